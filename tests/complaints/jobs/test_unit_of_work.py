"""One unit of work for requests and jobs: a job is sent once its change commits, never otherwise."""

from datetime import UTC, datetime

import pytest
from arq import ArqRedis
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import OutboxMessage
from complaints.jobs import outbox
from complaints.jobs.queue import ROUTING_QUEUE
from complaints.jobs.unit_of_work import unit_of_work
from complaints.schemas.jobs import JobName, RouteCase

# Any fixed moment: nothing here depends on the date.
NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


async def queued_job_ids(redis: ArqRedis) -> set[str]:
    return {job.job_id for job in await redis.queued_jobs(queue_name=ROUTING_QUEUE)}


async def test_a_committed_job_is_enqueued_under_its_outbox_id_with_its_name(
    sessions: SessionFactory, redis: ArqRedis
) -> None:
    async with unit_of_work(sessions, redis) as session:
        message = await outbox.add(session, RouteCase(case_id=41), now=NOW, retry_after=5)

    [job] = await redis.queued_jobs(queue_name=ROUTING_QUEUE)
    assert job.job_id == outbox.job_id(message.id)
    assert job.function == JobName.ROUTE_CASE
    assert list(job.args) == [{"case_id": 41, "outbox_id": message.id}]


async def test_a_rolled_back_job_is_neither_stored_nor_sent(
    sessions: SessionFactory, redis: ArqRedis
) -> None:
    async def failing_work() -> None:
        async with unit_of_work(sessions, redis) as session:
            await outbox.add(session, RouteCase(case_id=42), now=NOW, retry_after=5)
            raise RuntimeError("the work failed after the job was added")

    with pytest.raises(RuntimeError):
        await failing_work()

    assert await queued_job_ids(redis) == set()
    async with sessions() as session:
        assert (await session.scalars(select(OutboxMessage))).all() == []


async def test_without_redis_the_job_waits_in_the_outbox_for_the_relay(
    sessions: SessionFactory, redis: ArqRedis
) -> None:
    async with unit_of_work(sessions, None) as session:
        message = await outbox.add(session, RouteCase(case_id=43), now=NOW, retry_after=5)

    assert await queued_job_ids(redis) == set()
    async with sessions() as session:
        stored = await session.get(OutboxMessage, message.id)
        assert stored is not None
        assert stored.processed_at is None


def test_a_payload_carries_its_job_name_and_the_worker_gets_the_outbox_id_apart() -> None:
    job, outbox_id = RouteCase.received({"case_id": 7, "outbox_id": 99})
    assert (job, outbox_id, job.name) == (RouteCase(case_id=7), 99, JobName.ROUTE_CASE)

"""A complaint accepted while Redis is down is routed once Redis is back: the outbox relays it."""

from datetime import timedelta

import httpx
from arq import ArqRedis
from sqlalchemy import select

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import OutboxMessage
from complaints.jobs import outbox
from complaints.jobs.queue import ROUTING_QUEUE
from complaints.schemas.jobs import RouteCase
from complaints.settings import Settings
from intake_api.app import create_app
from tests.clock import CLOCK
from tests.factories import ADMIN_KEY, auth, complaint, run_routing_worker

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


async def test_intake_succeeds_while_redis_is_down_and_the_relay_routes_it_later(
    settings: Settings, sessions: SessionFactory, redis: ArqRedis, client: httpx.AsyncClient
) -> None:
    offline = create_app(settings.model_copy(update={"redis_url": NOBODY_LISTENS}), clock=CLOCK)
    async with (
        offline.router.lifespan_context(offline),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=offline), base_url="http://test", headers=auth(ADMIN_KEY)
        ) as offline_client,
    ):
        response = await offline_client.post("/v1/complaints", json=complaint())
    assert response.status_code == 201
    number = response.json()["case_number"]
    assert await redis.zcard(ROUTING_QUEUE) == 0  # nothing reached Redis

    # Nothing is due before the retry delay; after it, the relay enqueues the job.
    async with unit_of_work(sessions) as session:
        early = await outbox.relay(session, redis, now=CLOCK(), retry_after=5)
    async with unit_of_work(sessions) as session:
        later = CLOCK() + timedelta(seconds=settings.outbox_retry_after_seconds + 1)
        relayed = await outbox.relay(session, redis, now=later, retry_after=5)
    assert (early, relayed) == (0, 1)

    await run_routing_worker(settings)

    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert case["status"] == "assigned"
    assert case["unit"] == "HQ-CARD"
    async with sessions() as session:
        message = await session.scalar(select(OutboxMessage))
    assert message is not None
    assert message.processed_at is not None
    assert message.attempts == 1


async def test_a_relayed_job_that_is_still_queued_is_not_duplicated(
    settings: Settings, sessions: SessionFactory, redis: ArqRedis, client: httpx.AsyncClient
) -> None:
    await client.post("/v1/complaints", json=complaint())  # enqueued at once
    assert await redis.zcard(ROUTING_QUEUE) == 1

    async with unit_of_work(sessions) as session:
        later = CLOCK() + timedelta(seconds=60)
        await outbox.relay(session, redis, now=later, retry_after=5)

    assert await redis.zcard(ROUTING_QUEUE) == 1


async def test_the_relay_backs_off_a_job_that_keeps_failing(
    sessions: SessionFactory, redis: ArqRedis
) -> None:
    start = CLOCK()
    async with unit_of_work(sessions) as session:
        message = await outbox.add(session, RouteCase(case_id=0), now=start, retry_after=5)
    gaps = []
    moment = start + timedelta(seconds=5)
    for _ in range(4):
        async with unit_of_work(sessions) as session:
            assert await outbox.relay(session, redis, now=moment, retry_after=5) == 1
            row = await session.get(OutboxMessage, message.id)
            assert row is not None
            gaps.append((row.next_attempt_at - moment).total_seconds())
            moment = row.next_attempt_at
        await redis.flushdb()  # as if a worker had taken and dropped it

    assert gaps == [10, 20, 40, 80]


async def test_a_job_still_waiting_in_the_queue_is_checked_again_soon_without_backoff(
    sessions: SessionFactory, redis: ArqRedis, client: httpx.AsyncClient
) -> None:
    # A long queue is not a failure: the relay keeps looking every retry_after, so when the
    # job is lost after all (Redis flushed) it is sent again within seconds, not minutes.
    await client.post("/v1/complaints", json=complaint())  # queued, no worker takes it
    moment = CLOCK()
    for _ in range(3):
        moment += timedelta(seconds=5)
        async with unit_of_work(sessions) as session:
            assert await outbox.relay(session, redis, now=moment, retry_after=5) == 1
    async with sessions() as session:
        (row,) = (await session.scalars(select(OutboxMessage))).all()
    assert row.attempts == 0
    assert row.next_attempt_at == moment + timedelta(seconds=5)

    await redis.flushdb()
    async with unit_of_work(sessions) as session:
        assert await outbox.relay(session, redis, now=row.next_attempt_at, retry_after=5) == 1
    assert await redis.zcard(ROUTING_QUEUE) == 1

"""The SLA worker's unaccepted-case sweep, as arq runs it."""

from datetime import timedelta

import httpx
from arq import ArqRedis
from sqlalchemy import update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case
from complaints.settings import Settings
from sla_worker.jobs import shutdown, startup
from sla_worker.settings import worker_settings
from sla_worker.unaccepted import escalate_unaccepted
from tests.clock import CLOCK
from tests.intake_api.handling import events, routed


def test_the_sweep_is_one_of_the_sla_workers_cron_jobs(settings: Settings) -> None:
    crons = worker_settings(settings)["cron_jobs"]

    assert escalate_unaccepted in [job.coroutine for job in crons]


async def test_the_job_escalates_cases_waiting_longer_than_the_configured_minutes(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, redis: ArqRedis
) -> None:
    waiting = await routed(client, settings)
    fresh = await routed(client, settings, external_ref="CALL-0002")
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Case).where(Case.case_number == waiting).values(assigned_at=CLOCK() - timedelta(minutes=7))
        )
    ctx: dict[str, object] = {
        "settings": settings.model_copy(update={"unaccepted_escalation_minutes": (5, 10)}),
        "redis": redis,
        "clock": CLOCK,
    }
    await startup(ctx)
    try:
        climbed = await escalate_unaccepted(ctx)
        again = await escalate_unaccepted(ctx)
    finally:
        await shutdown(ctx)

    assert (climbed, again) == (1, 0)
    escalated = [e for e in await events(client, waiting) if e["kind"] == "escalated"]
    assert [(e["data"]["to_level"], e["data"]["rule"]) for e in escalated] == [("unit_manager", "unaccepted")]
    assert [e for e in await events(client, fresh) if e["kind"] == "escalated"] == []

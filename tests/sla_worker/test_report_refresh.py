"""The SLA worker keeps the reports' snapshot fresh, taking a new one only when it is due."""

from datetime import timedelta

import httpx
from arq import ArqRedis
from sqlalchemy import func, select, update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import ReportRefresh, report_case_facts
from complaints.reports import facts as report_facts
from complaints.settings import Settings
from sla_worker.jobs import shutdown, startup
from sla_worker.reports import refresh_reports
from sla_worker.settings import worker_settings
from tests.clock import CLOCK
from tests.intake_api.handling import routed


def test_the_refresh_is_one_of_the_sla_workers_cron_jobs(settings: Settings) -> None:
    crons = worker_settings(settings)["cron_jobs"]

    assert refresh_reports in [job.coroutine for job in crons]


async def test_a_snapshot_is_taken_when_none_exists_and_then_only_when_stale(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, redis: ArqRedis
) -> None:
    await routed(client, settings)
    ctx: dict[str, object] = {
        "settings": settings.model_copy(update={"reports_refresh_seconds": 3600}),
        "redis": redis,
        "clock": CLOCK,
    }
    await startup(ctx)
    try:
        first = await refresh_reports(ctx)
        second = await refresh_reports(ctx)
        ctx["settings"] = settings.model_copy(update={"reports_refresh_seconds": 10})
        async with unit_of_work(sessions) as session:
            taken = await report_facts.as_of(session)
            assert taken is not None
            await session.execute(update(ReportRefresh).values(refreshed_at=taken - timedelta(minutes=1)))
        stale = await refresh_reports(ctx)
    finally:
        await shutdown(ctx)

    assert (first, second, stale) == (True, False, True)
    async with unit_of_work(sessions) as session:
        rows = await session.scalar(select(func.count()).select_from(report_case_facts))
    assert rows == 1

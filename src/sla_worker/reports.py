"""Keeps the reports' snapshot (complaints.reports.facts) at most
COMPLAINTS_REPORTS_REFRESH_SECONDS old. Checked every few seconds, taken only when due, so
several SLA workers share the work: the first takes the snapshot, the rest find it fresh."""

import logging
from datetime import timedelta
from typing import Any, cast

from complaints.jobs.unit_of_work import unit_of_work
from complaints.jobs.worker_context import WorkerContext
from complaints.reports import facts as report_facts

log = logging.getLogger(__name__)


async def refresh_reports(ctx: dict[str, Any]) -> bool:
    context = cast(WorkerContext, ctx)
    max_age = timedelta(seconds=context["settings"].reports_refresh_seconds)
    async with unit_of_work(context["sessions"], context["redis"]) as session:
        taken = await report_facts.as_of(session)
        now = context["clock"]()
        if taken is not None and now - taken < max_age:
            return False
        rows = await report_facts.refresh(session, now=now, timezone=context["settings"].zone)
    log.info("reports snapshot refreshed: %d cases", rows)
    return True

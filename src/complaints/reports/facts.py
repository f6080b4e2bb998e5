"""The per-case facts every report counts (migration 0008's `report_case_facts`).

The view is a snapshot: the SLA worker refreshes it every COMPLAINTS_REPORTS_REFRESH_SECONDS
(CONCURRENTLY, so reports keep reading the old snapshot meanwhile), and every report says
how old its snapshot is (`as_of`).
"""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select, text, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import ReportRefresh, report_case_facts
from complaints.domain.vocabulary import Satisfaction
from complaints.security.api_keys import Principal

facts = report_case_facts.c

_RESOLVED = facts.resolved_at.is_not(None)
_SATISFIED = (Satisfaction.SATISFIED.value, Satisfaction.BASICALLY_SATISFIED.value)
# One aggregate per field of `domain.measures.Counts`, all in one pass over the facts; every
# report and the regulator export count with these.
COUNTS = (
    func.count().label("volume"),
    func.count().filter(facts.timeliness == "on_time").label("on_time"),
    func.count().filter(facts.timeliness == "late").label("late"),
    func.count().filter(_RESOLVED).label("resolved"),
    func.count()
    .filter(_RESOLVED, facts.transfer_count == 0, facts.return_count == 0, facts.reopen_count == 0)
    .label("first_contact"),
    func.count().filter(facts.satisfaction.is_not(None)).label("answered"),
    func.count().filter(facts.satisfaction.in_(_SATISFIED)).label("satisfied"),
    func.count().filter(facts.is_repeat).label("repeats"),
    func.count().filter(_RESOLVED, or_(facts.return_count > 0, facts.reopen_count > 0)).label("reworked"),
    func.coalesce(func.sum(facts.transfer_count), 0).label("transfers"),
)


async def refresh(session: AsyncSession, *, now: datetime, timezone: ZoneInfo) -> int:
    """Rebuild the snapshot as at `now`, with receipt days in `timezone`; returns its number of rows.
    Two refreshes at once take turns."""
    started = time.perf_counter()
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('report_case_facts'))"))
    await session.execute(select(func.set_config("app.timezone", timezone.key, True)))
    # An open case past its resolution due time counts as late at `now`, not the database's now().
    await session.execute(select(func.set_config("app.now", now.isoformat(), True)))
    await session.execute(text("REFRESH MATERIALIZED VIEW CONCURRENTLY report_case_facts"))
    # Fresh statistics, or the planner keeps the row counts of the snapshot before.
    await session.execute(text("ANALYZE report_case_facts"))
    rows = await session.scalar(select(func.count()).select_from(report_case_facts)) or 0
    values = {"refreshed_at": now, "rows": rows, "seconds": time.perf_counter() - started}
    await session.execute(
        insert(ReportRefresh).values(id=1, **values).on_conflict_do_update(index_elements=["id"], set_=values)
    )
    return rows


async def as_of(session: AsyncSession) -> datetime | None:
    """When the snapshot reports read was taken (None: never refreshed, so it is empty)."""
    return await session.scalar(select(ReportRefresh.refreshed_at).where(ReportRefresh.id == 1))


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The view has no row-level security: a unit-bound key's filter is applied here."""
    if principal.unit_code is None:
        return true()
    return or_(facts.unit_code == principal.unit_code, facts.submitted_by_unit == principal.unit_code)


async def plan_each_query(session: AsyncSession) -> None:
    """For the rest of the transaction, plan every statement for its own parameters.

    After five runs of a prepared statement Postgres may switch to one generic plan, which
    guesses the rows of a date range blindly and takes a slow serial scan for a year of cases.
    Only reports need this: intake's statements gain from generic plans.
    """
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))

"""A case's clocks over its life: start, meet, pause, resume, extend, re-prioritise.

Every function works on a case the caller has locked, flushes, and keeps `next_check_at`
(what the sweeper reads) consistent with the clock's state: NULL for a clock that is met,
paused or breached, else the next warning or the due time.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, Deadline
from complaints.domain.clocks import DEFAULT_WARN_AT, PlannedClock, plan_clock, plan_fixed
from complaints.domain.deadlines import Period
from complaints.domain.vocabulary import DeadlineKind, DeadlineState, Severity
from complaints.services.rulebook import Rulebook

# Clocks whose length follows the case's severity; a new severity re-plans them.
SEVERITY_CLOCKS = (DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION)
TICKING = (DeadlineState.RUNNING, DeadlineState.WARNED)


async def clocks_of(session: AsyncSession, *, case: Case) -> dict[DeadlineKind, Deadline]:
    rows = await session.scalars(select(Deadline).where(Deadline.case_id == case.id))
    return {DeadlineKind(row.kind): row for row in rows}


def _apply_plan(deadline: Deadline, plan: PlannedClock) -> None:
    deadline.state = DeadlineState.RUNNING
    deadline.started_at = plan.started_at
    deadline.due_at = plan.due_at
    deadline.period = plan.period
    deadline.warn_at = list(plan.warn_at)
    deadline.warnings_sent = 0
    deadline.next_check_at = plan.next_check_after(0)
    deadline.paused_at = None
    deadline.breached_at = None
    deadline.met_at = None


def plan_for(
    kind: DeadlineKind, *, start: datetime, severity: Severity, rulebook: Rulebook
) -> PlannedClock | None:
    """The clock the SLA policy sets for this kind and severity, or None if it sets none."""
    clock = rulebook.clock(kind, severity)
    if clock is None:
        return None
    return plan_clock(
        kind, start=start, period=clock.period, warn_fractions=clock.warn_at, calendar=rulebook.calendar
    )


async def start(session: AsyncSession, *, case: Case, plan: PlannedClock) -> Deadline:
    """Start a clock, or restart it from scratch when the case already has one of this kind."""
    existing = (await clocks_of(session, case=case)).get(plan.kind)
    deadline = existing or Deadline(case_id=case.id, kind=plan.kind)
    _apply_plan(deadline, plan)
    if existing is None:
        session.add(deadline)
    await session.flush()
    return deadline


async def start_fixed(
    session: AsyncSession, *, case: Case, kind: DeadlineKind, due: datetime, label: str, now: datetime
) -> Deadline:
    """A deadline someone promised or imposed (a promise to the complainant, an upstream date)."""
    return await start(
        session,
        case=case,
        plan=plan_fixed(kind, start=now, due=due, label=label, warn_fractions=DEFAULT_WARN_AT),
    )


async def meet(session: AsyncSession, *, case: Case, kinds: Iterable[DeadlineKind], now: datetime) -> None:
    """The obligation was fulfilled. A breached clock stays breached: it was met late."""
    wanted = set(kinds)
    for kind, deadline in (await clocks_of(session, case=case)).items():
        if kind in wanted and deadline.met_at is None:
            deadline.met_at = now
            deadline.next_check_at = None
            deadline.paused_at = None
            if deadline.state != DeadlineState.BREACHED:
                deadline.state = DeadlineState.MET
    await session.flush()


async def pause(session: AsyncSession, *, case: Case, now: datetime) -> None:
    for deadline in (await clocks_of(session, case=case)).values():
        if deadline.state in TICKING:
            deadline.state = DeadlineState.PAUSED
            deadline.paused_at = now
            deadline.next_check_at = None
    await session.flush()


async def resume(session: AsyncSession, *, case: Case, now: datetime) -> None:
    """Paused time is excluded: due time and warnings move later by exactly the pause."""
    for deadline in (await clocks_of(session, case=case)).values():
        if deadline.state != DeadlineState.PAUSED or deadline.paused_at is None:
            continue
        paused_for = now - deadline.paused_at
        deadline.due_at += paused_for
        deadline.warn_at = [moment + paused_for for moment in deadline.warn_at]
        deadline.paused_at = None
        deadline.state = DeadlineState.WARNED if deadline.warnings_sent else DeadlineState.RUNNING
        pending = deadline.warn_at[deadline.warnings_sent :]
        deadline.next_check_at = pending[0] if pending else deadline.due_at
    await session.flush()


async def extend(
    session: AsyncSession, *, case: Case, kind: DeadlineKind, total: Period, rulebook: Rulebook
) -> Deadline:
    """Lengthen a clock to `total` counted from its original start (15 → 30 → 60 days).

    The new period's warnings are announced afresh by the sweeper as they fall due.
    """
    deadline = (await clocks_of(session, case=case))[kind]
    plan = plan_clock(
        kind,
        start=deadline.started_at,
        period=total,
        warn_fractions=DEFAULT_WARN_AT,
        calendar=rulebook.calendar,
    )
    _apply_plan(deadline, plan)
    await session.flush()
    return deadline


async def reprioritise(session: AsyncSession, *, case: Case, severity: Severity, rulebook: Rulebook) -> None:
    """A new severity re-plans the severity-dependent clocks that are still ticking."""
    for kind, deadline in (await clocks_of(session, case=case)).items():
        if kind not in SEVERITY_CLOCKS or deadline.state not in TICKING:
            continue
        plan = plan_for(kind, start=deadline.started_at, severity=severity, rulebook=rulebook)
        if plan is not None:
            _apply_plan(deadline, plan)
    await session.flush()

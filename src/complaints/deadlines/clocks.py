"""A case's clocks over its life: start, meet, pause, resume, extend, re-prioritise.

The one place that writes deadlines after routing. Every function works on a case the caller
has locked, flushes, and keeps `next_check_at` (what the sweeper reads) consistent with the
clock's state: NULL for a clock that is met, paused or breached, else the next warning or the
due time. Due times are always recomputed from the clock's start, its policy period and the
paused time it was given back (`excluded`), so pauses survive extensions and severity changes.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, Deadline
from complaints.domain.clocks import (
    DEFAULT_WARN_AT,
    ClockPosition,
    PlannedClock,
    plan_clock,
    plan_fixed,
    resumed,
)
from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import DeadlineKind, DeadlineState, Severity

# Clocks whose length follows the case's severity; a new severity re-plans them.
SEVERITY_CLOCKS = (DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION)
TICKING = (DeadlineState.RUNNING, DeadlineState.WARNED)


async def clocks_of(session: AsyncSession, *, case: Case) -> dict[DeadlineKind, Deadline]:
    rows = await session.scalars(select(Deadline).where(Deadline.case_id == case.id))
    return {DeadlineKind(row.kind): row for row in rows}


def _unit(deadline: Deadline) -> PeriodUnit | None:
    return PeriodUnit(deadline.unit) if deadline.unit is not None else None


def _apply_plan(deadline: Deadline, plan: PlannedClock, *, keep_pause: bool = False) -> None:
    """Write a plan; `keep_pause` re-plans a paused clock without starting it again."""
    paused = keep_pause and deadline.state == DeadlineState.PAUSED
    deadline.state = DeadlineState.PAUSED if paused else DeadlineState.RUNNING
    deadline.started_at = plan.started_at
    deadline.due_at = plan.due_at
    deadline.period = plan.period
    deadline.unit = plan.unit
    deadline.amount = plan.amount
    deadline.excluded = plan.excluded
    deadline.warn_at = list(plan.warn_at)
    deadline.warnings_sent = 0
    deadline.next_check_at = None if paused else plan.next_check_after(0)
    if not paused:
        deadline.paused_at = None
    deadline.breached_at = None
    deadline.met_at = None


def plan_for(
    kind: DeadlineKind,
    *,
    start: datetime,
    severity: Severity,
    rulebook: Rulebook,
    excluded: int = 0,
) -> PlannedClock | None:
    """The clock the SLA policy sets for this kind and severity, or None if it sets none.

    `excluded` is paused time already given back, in the period's grain (domain/deadlines.py).
    """
    clock = rulebook.clock(kind, severity)
    if clock is None:
        return None
    return plan_clock(
        kind,
        start=start,
        period=clock.period,
        warn_fractions=clock.warn_at,
        calendar=rulebook.calendar,
        excluded=excluded,
    )


def _carried(deadline: Deadline, period: Period) -> int:
    """Paused time given back so far, if it is still measured in the new period's unit."""
    return deadline.excluded if deadline.unit == period.unit else 0


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


def pausable(deadline: Deadline, *, now: datetime) -> bool:
    """Whether a pause stops this clock.

    Only policy clocks pause (CBIRC excludes the time the case waits on the customer or an
    appraisal): a deadline someone else set (a promise, an upstream date) keeps running. A
    clock already past due is not paused either: its breach stands and the sweep records it.
    """
    return deadline.state in TICKING and deadline.unit is not None and deadline.due_at > now


async def pause(session: AsyncSession, *, case: Case, now: datetime) -> None:
    for deadline in (await clocks_of(session, case=case)).values():
        if pausable(deadline, now=now):
            deadline.state = DeadlineState.PAUSED
            deadline.paused_at = now
            deadline.next_check_at = None
    await session.flush()


def _position(deadline: Deadline) -> ClockPosition:
    return ClockPosition(
        started_at=deadline.started_at,
        due_at=deadline.due_at,
        warn_at=tuple(deadline.warn_at),
        warnings_sent=deadline.warnings_sent,
        unit=_unit(deadline),
        amount=deadline.amount,
        excluded=deadline.excluded,
    )


async def resume(session: AsyncSession, *, case: Case, now: datetime, rulebook: Rulebook) -> None:
    """Paused time is excluded: each clock's due time and pending warnings move by exactly
    the pause measured in the clock's own unit (elapsed time, working time, or whole days;
    domain/deadlines.py). The organisation's calendar (the rulebook's) counts.
    """
    paused = [
        (deadline, deadline.paused_at)
        for deadline in (await clocks_of(session, case=case)).values()
        if deadline.state == DeadlineState.PAUSED and deadline.paused_at is not None
    ]
    if not paused:
        return
    calendar = rulebook.calendar
    for deadline, paused_at in paused:
        position = resumed(_position(deadline), paused_at=paused_at, resumed_at=now, calendar=calendar)
        deadline.due_at = position.due_at
        deadline.warn_at = list(position.warn_at)
        deadline.excluded = position.excluded
        deadline.paused_at = None
        deadline.state = DeadlineState.WARNED if deadline.warnings_sent else DeadlineState.RUNNING
        pending = deadline.warn_at[deadline.warnings_sent :]
        deadline.next_check_at = pending[0] if pending else deadline.due_at
    await session.flush()


async def extend(
    session: AsyncSession, *, case: Case, kind: DeadlineKind, total: Period, rulebook: Rulebook
) -> Deadline:
    """Lengthen a clock to `total` counted from its original start (15 → 30 → 60 days).

    Paused time already given back still counts; a paused clock stays paused. The new
    period's warnings (at the policy's thresholds) are announced afresh as they fall due.
    """
    deadline = (await clocks_of(session, case=case))[kind]
    policy = rulebook.clock(kind, Severity(case.severity))
    plan = plan_clock(
        kind,
        start=deadline.started_at,
        period=total,
        warn_fractions=policy.warn_at if policy is not None else DEFAULT_WARN_AT,
        calendar=rulebook.calendar,
        excluded=_carried(deadline, total),
    )
    _apply_plan(deadline, plan, keep_pause=True)
    await session.flush()
    return deadline


async def reprioritise(session: AsyncSession, *, case: Case, severity: Severity, rulebook: Rulebook) -> None:
    """A new severity re-plans the severity-dependent clocks still ticking or paused."""
    for kind, deadline in (await clocks_of(session, case=case)).items():
        if kind not in SEVERITY_CLOCKS or deadline.state not in (*TICKING, DeadlineState.PAUSED):
            continue
        policy = rulebook.clock(kind, severity)
        if policy is None:
            continue
        plan = plan_for(
            kind,
            start=deadline.started_at,
            severity=severity,
            rulebook=rulebook,
            excluded=_carried(deadline, policy.period),
        )
        if plan is not None:
            _apply_plan(deadline, plan, keep_pause=True)
    await session.flush()


async def discard(session: AsyncSession, *, case: Case, kinds: Iterable[DeadlineKind]) -> list[str]:
    """Remove clocks whose obligation no longer exists (a callback owed on a proposal that went
    back for rework); the caller's event records them. Returns the kinds removed."""
    wanted = set(kinds)
    removed = []
    for kind, deadline in (await clocks_of(session, case=case)).items():
        if kind in wanted:
            await session.delete(deadline)
            removed.append(kind.value)
    await session.flush()
    return removed


async def reinstate(session: AsyncSession, *, case: Case, kinds: Iterable[DeadlineKind]) -> None:
    """Clocks met by a proposal that went back for rework run on to their original due time;
    a breach they already had stands, and one now past due is breached by the next sweep."""
    wanted = set(kinds)
    for kind, deadline in (await clocks_of(session, case=case)).items():
        if kind not in wanted or deadline.met_at is None:
            continue
        deadline.met_at = None
        if deadline.breached_at is not None:
            deadline.state = DeadlineState.BREACHED
            deadline.next_check_at = None
            continue
        deadline.state = DeadlineState.WARNED if deadline.warnings_sent else DeadlineState.RUNNING
        pending = deadline.warn_at[deadline.warnings_sent :]
        deadline.next_check_at = pending[0] if pending else deadline.due_at
    await session.flush()

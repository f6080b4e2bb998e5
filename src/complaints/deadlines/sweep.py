"""The deadline sweep: announce each warning and each breach exactly once, and carry out the
policy's breach actions (escalate, notify the unit manager, raise severity, holding reply).

Clocks are claimed with their case under FOR UPDATE SKIP LOCKED through the partial index on
`next_check_at`, so several sweepers share the work and a clock that one of them has just
announced has moved its `next_check_at` before anyone else can see it. The breach, its
events and its outbox messages are one transaction: all recorded once, or none.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.events import EventRow
from complaints.db.models import Case, CaseEvent, Deadline, OutboxMessage
from complaints.deadlines import clocks
from complaints.domain.escalation import breach_rule, target
from complaints.domain.events import ClockData, EventKind
from complaints.domain.rulebook import Person, Rulebook
from complaints.domain.vocabulary import (
    BreachAction,
    DeadlineKind,
    DeadlineState,
    EscalationLevel,
    Severity,
)
from complaints.escalation import ladder
from complaints.jobs import outbox
from complaints.schemas.jobs import HoldingReply, Job, ManagerNotice

ACTOR = "sla"
_EVENTS = CaseEvent.metadata.tables[CaseEvent.__tablename__]
_SEVERITIES = list(Severity)


@dataclass(frozen=True)
class SweepResult:
    claimed: int
    warned: int
    breached: int
    # Breach notices written to the outbox (the relay enqueues them).
    notices: int = 0


def claim_query(*, now: datetime, batch: int) -> Select[Deadline, Case]:
    """Due clocks with their cases, oldest first, skipping rows another sweeper holds.

    `next_check_at <= now` implies `next_check_at IS NOT NULL`, so Postgres reads the partial
    index `ix_deadlines_next_check_at_open` in order and stops after `batch` rows: the cost
    follows the batch, not the number of open cases.
    """
    return (
        select(Deadline, Case)
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.next_check_at <= now)
        .order_by(Deadline.next_check_at)
        .limit(batch)
        .with_for_update(of=[Deadline, Case], skip_locked=True)
    )


async def sweep_once(
    session: AsyncSession,
    *,
    now: datetime,
    batch: int,
    rulebook: Rulebook,
) -> SweepResult:
    """One batch of due clocks, in the caller's transaction."""
    claimed = (await session.execute(claim_query(now=now, batch=batch))).all()
    warned = breached = 0
    # Events and notices are written in bulk once the batch is decided: at a million open
    # cases a breach storm is thousands of rows a second, too many for one ORM object each.
    batch_of = _Writes()
    for deadline, case in claimed:
        if now >= deadline.due_at:
            breached += 1
            deadline.state = DeadlineState.BREACHED
            deadline.breached_at = now
            deadline.next_check_at = None
            batch_of.events.append(_event(case, EventKind.DEADLINE_BREACHED, now, deadline=deadline))
            await _breach_actions(
                session, case=case, deadline=deadline, rulebook=rulebook, now=now, writes=batch_of
            )
            continue
        crossed = sum(1 for moment in deadline.warn_at if moment <= now)
        for level in range(deadline.warnings_sent, crossed):
            warned += 1
            batch_of.events.append(
                _event(case, EventKind.DEADLINE_WARNED, now, deadline=deadline, level=level + 1)
            )
        deadline.warnings_sent = max(deadline.warnings_sent, crossed)
        if crossed:
            deadline.state = DeadlineState.WARNED
        pending = deadline.warn_at[deadline.warnings_sent :]
        deadline.next_check_at = pending[0] if pending else deadline.due_at
    await session.flush()
    # Core inserts: one executemany each, no ORM object per row.
    if batch_of.events:
        await session.execute(insert(_EVENTS), batch_of.events)
    if batch_of.notices:
        # One executemany with RETURNING; the unit of work sends them on commit, and they are
        # due for the relay at once should that fail.
        rows = [
            {"job": job.name, "payload": job.model_dump(mode="json"), "next_attempt_at": now, "attempts": 0}
            for job in batch_of.notices
        ]
        outbox.register(
            session, (await session.scalars(insert(OutboxMessage).returning(OutboxMessage), rows)).all()
        )
    return SweepResult(len(claimed), warned, breached, len(batch_of.notices))


@dataclass
class _Writes:
    events: list[EventRow] = field(default_factory=list)
    notices: list[Job] = field(default_factory=list)


def _event(case: Case, kind: EventKind, now: datetime, *, deadline: Deadline, **extra: object) -> EventRow:
    """An event about one clock: which one, and when it was due."""
    clock: ClockData = {"deadline": deadline.kind, "due_at": deadline.due_at.isoformat()}
    return events.on_case(kind, case, at=now, actor=ACTOR, data={**clock, **extra})


def unit_manager(case: Case, rulebook: Rulebook) -> Person | None:
    return target(EscalationLevel.UNIT_MANAGER, unit_code=case.unit_code, rulebook=rulebook)


async def _breach_actions(
    session: AsyncSession,
    *,
    case: Case,
    deadline: Deadline,
    rulebook: Rulebook,
    now: datetime,
    writes: _Writes,
) -> None:
    """The policy's actions for this kind of clock, in the order it lists them."""

    reason = f"{deadline.kind} deadline breached"
    for action in rulebook.on_breach(DeadlineKind(deadline.kind)):
        if action is BreachAction.ESCALATE:
            climb = ladder.one_up(case, rule=breach_rule(deadline.kind), rulebook=rulebook, now=now)
            if climb is not None:
                writes.events.append(
                    events.on_case(
                        EventKind.ESCALATED, case, at=now, actor=ACTOR, reason=reason, data=climb.data()
                    )
                )
        elif action is BreachAction.NOTIFY_MANAGER:
            manager = unit_manager(case, rulebook)
            to = manager.staff_id if manager else None
            writes.notices.append(
                ManagerNotice(
                    case_id=case.id, deadline=deadline.kind, due_at=deadline.due_at.isoformat(), to=to
                )
            )
            writes.events.append(_event(case, EventKind.MANAGER_NOTIFIED, now, deadline=deadline, to=to))
        elif action is BreachAction.HOLDING_REPLY:
            writes.notices.append(
                HoldingReply(case_id=case.id, deadline=deadline.kind, due_at=deadline.due_at.isoformat())
            )
            writes.events.append(_event(case, EventKind.HOLDING_REPLY_QUEUED, now, deadline=deadline))
        elif action is BreachAction.RAISE_SEVERITY:
            raised = await _raise_severity(session, case=case, deadline=deadline, rulebook=rulebook, now=now)
            if raised is not None:
                writes.events.append(raised)


async def _raise_severity(
    session: AsyncSession, *, case: Case, deadline: Deadline, rulebook: Rulebook, now: datetime
) -> EventRow | None:
    current = Severity(case.severity)
    raised = _SEVERITIES[min(current.rank + 1, len(_SEVERITIES) - 1)]
    if raised == current:
        return None
    case.severity = raised
    case.updated_at = now
    # The clocks that follow severity re-plan; the breached one stays breached.
    await clocks.reprioritise(session, case=case, severity=raised, rulebook=rulebook)
    return _event(case, EventKind.SEVERITY_RAISED, now, deadline=deadline, **{"from": current, "to": raised})

"""The deadline sweep: announce each warning and each breach exactly once, escalate on breach.

Clocks are claimed with their case under FOR UPDATE SKIP LOCKED through the partial index on
`next_check_at`, so several sweepers share the work and a clock that one of them has just
announced has moved its `next_check_at` before anyone else can see it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, CaseEvent, Deadline
from complaints.domain.vocabulary import DeadlineState, EscalationLevel, Role
from complaints.services.rulebook import Person, Rulebook

ACTOR = "sla"


@dataclass(frozen=True)
class SweepResult:
    claimed: int
    warned: int
    breached: int


def escalation_target(level: EscalationLevel, *, unit_code: str | None, rulebook: Rulebook) -> Person | None:
    if level == EscalationLevel.UNIT_MANAGER and unit_code:
        people = [p for p in rulebook.people_in(unit_code) if p.role == Role.MANAGER]
    elif level == EscalationLevel.CONSUMER_PROTECTION_HEAD:
        people = rulebook.with_role(Role.CONSUMER_PROTECTION_HEAD)
    elif level == EscalationLevel.LEADERSHIP:
        people = rulebook.with_role(Role.LEADERSHIP)
    else:
        people = []
    return next((p for p in people if p.available), people[0] if people else None)


def escalate(case: Case, *, reason: str, rulebook: Rulebook, now: datetime) -> CaseEvent | None:
    """One level up the ladder; nothing when the case is already at the top."""
    current = EscalationLevel(case.escalation_level)
    level = current.next_up()
    if level == current:
        return None
    target = escalation_target(level, unit_code=case.unit_code, rulebook=rulebook)
    case.escalation_level = level
    case.updated_at = now
    return CaseEvent(
        case_id=case.id,
        kind="escalated",
        at=now,
        actor=ACTOR,
        from_status=case.status,
        to_status=case.status,
        reason=reason,
        data={"from_level": current, "to_level": level, "to": target.staff_id if target else None},
    )


async def sweep_once(session: AsyncSession, *, now: datetime, batch: int, rulebook: Rulebook) -> SweepResult:
    claimed = (
        await session.execute(
            select(Deadline, Case)
            .join(Case, Case.id == Deadline.case_id)
            .where(Deadline.next_check_at <= now)
            .order_by(Deadline.next_check_at)
            .limit(batch)
            .with_for_update(of=[Deadline, Case], skip_locked=True)
        )
    ).all()
    warned = breached = 0
    for deadline, case in claimed:
        if now >= deadline.due_at:
            breached += 1
            deadline.state = DeadlineState.BREACHED
            deadline.breached_at = now
            deadline.next_check_at = None
            session.add(
                CaseEvent(
                    case_id=case.id,
                    kind="deadline_breached",
                    at=now,
                    actor=ACTOR,
                    from_status=case.status,
                    to_status=case.status,
                    data={"deadline": deadline.kind, "due_at": deadline.due_at.isoformat()},
                )
            )
            escalation = escalate(
                case, reason=f"{deadline.kind} deadline breached", rulebook=rulebook, now=now
            )
            if escalation is not None:
                session.add(escalation)
            continue
        crossed = sum(1 for moment in deadline.warn_at if moment <= now)
        for level in range(deadline.warnings_sent, crossed):
            warned += 1
            session.add(
                CaseEvent(
                    case_id=case.id,
                    kind="deadline_warned",
                    at=now,
                    actor=ACTOR,
                    from_status=case.status,
                    to_status=case.status,
                    data={
                        "deadline": deadline.kind,
                        "level": level + 1,
                        "due_at": deadline.due_at.isoformat(),
                    },
                )
            )
        deadline.warnings_sent = max(deadline.warnings_sent, crossed)
        if crossed:
            deadline.state = DeadlineState.WARNED
        pending = deadline.warn_at[deadline.warnings_sent :]
        deadline.next_check_at = pending[0] if pending else deadline.due_at
    await session.flush()
    return SweepResult(len(claimed), warned, breached)

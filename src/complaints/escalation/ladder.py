"""Climbing the escalation ladder: every climb of a case goes through here, whatever caused it
(a person, a breached clock, a case nobody accepted, 提级督办, a dissatisfied callback).

The rules — rungs, who sits on them, when a rule calls for a climb — are pure and live in
`complaints.domain.escalation`; this module applies a climb to a locked case and records it.
A climb's event data always names its rule (`Climb.data`).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.models import Case, CaseEvent
from complaints.domain import escalation
from complaints.domain.escalation import Climb, EscalationRule
from complaints.domain.events import EventKind
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import EscalationLevel, Status

# The actor of the climbs the automatic rules make.
ACTOR = "escalation"


def raise_to(case: Case, *, level: EscalationLevel, rule: str, rulebook: Rulebook, now: datetime) -> Climb:
    """Bring the case's supervision up to `level` (never down)."""
    climb = escalation.climb_to(
        EscalationLevel(case.escalation_level), level, rule=rule, unit_code=case.unit_code, rulebook=rulebook
    )
    _apply(case, climb, now=now)
    return climb


def one_up(case: Case, *, rule: str, rulebook: Rulebook, now: datetime) -> Climb | None:
    """One rung up; nothing when the case is already at the top."""
    climb = escalation.climb_one(
        EscalationLevel(case.escalation_level), rule=rule, unit_code=case.unit_code, rulebook=rulebook
    )
    if climb is not None:
        _apply(case, climb, now=now)
    return climb


def _apply(case: Case, climb: Climb, *, now: datetime) -> None:
    case.escalation_level = climb.to_level
    case.updated_at = now


def _recorded(case: Case, climb: Climb, *, reason: str, now: datetime) -> CaseEvent:
    return events.new(EventKind.ESCALATED, case, at=now, actor=ACTOR, reason=reason, data=climb.data())


def supervision(
    case: Case, *, returns_before: int, transfers_before: int, rulebook: Rulebook, now: datetime
) -> CaseEvent | None:
    """提级督办 the moment the rework or transfer count reaches its limit (once, not on every
    further round): consumer protection's head supervises from then on."""
    if escalation.needs_supervision(returns=returns_before, transfers=transfers_before):
        return None
    why = escalation.needs_supervision(returns=case.return_count, transfers=case.transfer_count)
    if why is None:
        return None
    climb = raise_to(
        case,
        level=EscalationLevel.CONSUMER_PROTECTION_HEAD,
        rule=EscalationRule.SUPERVISION,
        rulebook=rulebook,
        now=now,
    )
    return _recorded(case, climb, reason=f"{why}: consumer protection supervises (提级督办)", now=now)


def dissatisfied(case: Case, *, rulebook: Rulebook, now: datetime) -> CaseEvent:
    climb = raise_to(
        case,
        level=EscalationLevel.UNIT_MANAGER,
        rule=EscalationRule.DISSATISFIED_CALLBACK,
        rulebook=rulebook,
        now=now,
    )
    return _recorded(case, climb, reason="the complainant was dissatisfied at the callback", now=now)


async def sweep_unaccepted(
    session: AsyncSession, *, now: datetime, minutes: Sequence[int], rulebook: Rulebook, batch: int
) -> int:
    """Climb the ladder for assigned cases nobody accepted in time; returns how many climbed.

    Each case is claimed FOR UPDATE SKIP LOCKED, so several sweepers share the work and a case
    someone is acting on right now is left for the next sweep. A sweeper that was down catches
    up in one climb to the rung the wait has earned.
    """
    # The next rung is due when the wait for it has passed since the case was assigned.
    cutoff = when(
        *[
            (Case.unaccepted_steps == step, now - timedelta(minutes=wait))
            for step, wait in enumerate(minutes)
        ],
        else_=None,
    )
    claimed = (
        await session.scalars(
            select(Case)
            .where(
                Case.status == Status.ASSIGNED,
                Case.assigned_at <= now - timedelta(minutes=minutes[0]),
                Case.assigned_at <= cutoff,
            )
            .order_by(Case.assigned_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for case in claimed:
        assert case.assigned_at is not None  # the query only finds assigned cases
        steps = escalation.unaccepted_steps_due(assigned_at=case.assigned_at, now=now, minutes=minutes)
        waited = minutes[steps - 1]
        case.unaccepted_steps = steps
        climb = raise_to(
            case,
            level=escalation.unaccepted_level(steps),
            rule=EscalationRule.UNACCEPTED,
            rulebook=rulebook,
            now=now,
        )
        reason = f"not accepted {waited} minutes after it was assigned to {case.unit_code}"
        session.add(_recorded(case, climb, reason=reason, now=now))
    await session.flush()
    return len(claimed)

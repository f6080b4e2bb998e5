"""Escalation: the ladder climbed by hand, and the automatic rules (DOMAIN.md, "Routing and
escalation").

- a case nobody accepts climbs the ladder after the configured waits (15/30/60 minutes);
- returned for rework or transferred three times → consumer protection supervises (提级督办);
- a dissatisfied callback → the unit manager;
- media, group or major → leadership is told at once;
- an aggressive on-site incident → a 3-day incident-report deadline.

Who sits on each rung is `services.sla.escalation_target`; a deadline breach's one-step climb
stays `services.sla.escalate`.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, CaseEvent
from complaints.deadlines import clocks
from complaints.deadlines.sweep import escalation_target
from complaints.domain import handling
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import (
    DeadlineKind,
    EscalationLevel,
    Flag,
    Role,
    Severity,
    Status,
)

ACTOR = "escalation"


def raise_to(
    case: Case,
    *,
    level: EscalationLevel,
    reason: str,
    rule: str,
    rulebook: Rulebook,
    now: datetime,
    actor: str = ACTOR,
) -> CaseEvent:
    """Bring the case's supervision up to `level` (never down) and say who is now on it."""
    current = EscalationLevel(case.escalation_level)
    reached = handling.higher(current, level)
    target = escalation_target(reached, unit_code=case.unit_code, rulebook=rulebook)
    case.escalation_level = reached
    case.updated_at = now
    return CaseEvent(
        case_id=case.id,
        kind="escalated",
        at=now,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        reason=reason,
        data={
            "rule": rule,
            "from_level": current,
            "to_level": reached,
            "to": target.staff_id if target else None,
        },
    )


def supervision(
    case: Case, *, returns_before: int, transfers_before: int, rulebook: Rulebook, now: datetime
) -> CaseEvent | None:
    """提级督办 the moment the rework or transfer count reaches its limit (once, not on every
    further round): consumer protection's head supervises from then on."""
    if handling.needs_supervision(returns=returns_before, transfers=transfers_before):
        return None
    why = handling.needs_supervision(returns=case.return_count, transfers=case.transfer_count)
    if why is None:
        return None
    return raise_to(
        case,
        level=EscalationLevel.CONSUMER_PROTECTION_HEAD,
        reason=f"{why}: consumer protection supervises (提级督办)",
        rule="supervision",
        rulebook=rulebook,
        now=now,
    )


def dissatisfied(case: Case, *, rulebook: Rulebook, now: datetime) -> CaseEvent:
    return raise_to(
        case,
        level=EscalationLevel.UNIT_MANAGER,
        reason="the complainant was dissatisfied at the callback",
        rule="dissatisfied_callback",
        rulebook=rulebook,
        now=now,
    )


async def after_routing(session: AsyncSession, *, case: Case, rulebook: Rulebook, now: datetime) -> None:
    """Rules that fire as soon as routing knows the case's flags and severity."""
    flags = {Flag(flag) for flag in case.flags}
    because = handling.leadership_alerts(flags=flags, severity=Severity(case.severity))
    if because:
        leaders = rulebook.with_role(Role.LEADERSHIP)
        session.add(
            CaseEvent(
                case_id=case.id,
                kind="leadership_notified",
                at=now,
                actor=ACTOR,
                from_status=case.status,
                to_status=case.status,
                reason=f"{', '.join(because)}: leadership is told at once",
                data={"because": because, "to": [p.staff_id for p in leaders]},
            )
        )
    if Flag.AGGRESSIVE in flags:
        plan = clocks.plan_for(
            DeadlineKind.INCIDENT_REPORT,
            start=case.received_at,
            severity=Severity(case.severity),
            rulebook=rulebook,
        )
        if plan is not None:
            await clocks.start(session, case=case, plan=plan)
            session.add(
                CaseEvent(
                    case_id=case.id,
                    kind="deadline_started",
                    at=now,
                    actor=ACTOR,
                    from_status=case.status,
                    to_status=case.status,
                    reason="aggressive behaviour on site: an incident report is due",
                    data={"deadline": plan.kind, "due_at": plan.due_at.isoformat(), "period": plan.period},
                )
            )
    await session.flush()


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
        steps = handling.unaccepted_steps_due(assigned_at=case.assigned_at, now=now, minutes=minutes)
        waited = minutes[steps - 1]
        case.unaccepted_steps = steps
        session.add(
            raise_to(
                case,
                level=handling.unaccepted_level(steps),
                reason=f"not accepted {waited} minutes after it was assigned to {case.unit_code}",
                rule="unaccepted",
                rulebook=rulebook,
                now=now,
            )
        )
    await session.flush()
    return len(claimed)

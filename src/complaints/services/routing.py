"""Routing a received case: classify, pick the unit and handler, start its clocks — once."""

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints import outbox
from complaints.db.models import Case, CaseEvent, Deadline
from complaints.domain import routing
from complaints.domain.classification import classify
from complaints.domain.clocks import DEFAULT_WARN_AT, PlannedClock, plan_fixed
from complaints.domain.lifecycle import Action, next_status
from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    DeadlineKind,
    DeadlineState,
    Flag,
    Role,
    Severity,
    Source,
    Status,
)
from complaints.services.clocks import plan_for
from complaints.services.rulebook import Person, Rulebook

log = logging.getLogger(__name__)

ACTOR = "routing"
ROUTED_CLOCKS = (DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION, DeadlineKind.REGULATORY)
# Who gets a new case in its unit, in order: the A role, its B backup, then the manager.
ASSIGNMENT_ORDER = (Role.A_ROLE, Role.B_ROLE, Role.HANDLER, Role.MANAGER)


def derived_flags(case: Case) -> set[Flag]:
    """Flags that follow from what the case already records rather than from its words."""
    flags: set[Flag] = set()
    if case.confidential:
        flags.add(Flag.CONFIDENTIAL)
    if case.source == Source.REGULATOR or case.channel == Channel.REGULATOR:
        flags.add(Flag.REGULATOR_REFERRED)
    if case.channel == Channel.MEDIA:
        flags.add(Flag.MEDIA)
    return flags


def pick_handler(people: Sequence[Person], *, complained_about: str | None) -> Person | None:
    """The A role, else the B role when A is away; never the person complained about (回避)."""
    candidates = [p for p in people if p.available and p.staff_id != complained_about]
    for role in ASSIGNMENT_ORDER:
        for person in candidates:
            if person.role == role:
                return person
    return None


def plan_clocks(case: Case, severity: Severity, rulebook: Rulebook) -> list[PlannedClock]:
    planned = [
        plan
        for kind in ROUTED_CLOCKS
        if (plan := plan_for(kind, start=case.received_at, severity=severity, rulebook=rulebook))
    ]
    if case.upstream_due_at is not None:
        planned.append(
            plan_fixed(
                DeadlineKind.UPSTREAM,
                start=case.received_at,
                due=case.upstream_due_at,
                label=f"set by {case.upstream_ref}",
                warn_fractions=DEFAULT_WARN_AT,
            )
        )
    return planned


async def route_case(
    session: AsyncSession, *, case_id: int, outbox_id: int | None, rulebook: Rulebook, now: datetime
) -> bool:
    """True when this call routed the case; False when it was already routed (jobs may repeat)."""
    case = await session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if outbox_id is not None:
        await outbox.mark_processed(session, outbox_id=outbox_id, now=now)
    if case is None or case.status != Status.RECEIVED:
        return False

    found = classify(
        "\n".join(filter(None, [case.content, case.demand])),
        rulebook.keywords,
        business_type_hint=BusinessType(case.business_type) if case.business_type else None,
        cause_hint=Cause(case.cause) if case.cause else None,
        flags_hint=frozenset(derived_flags(case)),
    )
    decision = routing.route(
        routing.CaseFacts(
            business_type=found.business_type,
            cause=found.cause,
            severity=Severity(case.severity),
            flags=found.flags,
            channel=Channel(case.channel),
            source=Source(case.source),
            branch_code=case.branch_code,
        ),
        rules=rulebook.rules,
        floors=rulebook.floors,
        default_unit=rulebook.default_unit,
        known_units=rulebook.units.keys(),
    )
    handler = pick_handler(rulebook.people_in(decision.unit), complained_about=case.staff_id)
    clocks = plan_clocks(case, decision.severity, rulebook)

    registered = next_status(Status(case.status), Action.REGISTER)
    assigned = next_status(registered, Action.ASSIGN)
    case.business_type = found.business_type
    case.cause = found.cause
    case.flags = sorted(found.flags)
    case.severity = decision.severity
    case.unit_code = decision.unit
    case.assignee_staff_id = handler.staff_id if handler else None
    case.routing_rule = decision.rule
    case.routing_reason = decision.reason
    case.status = assigned
    case.updated_at = now
    session.add_all(
        [
            CaseEvent(
                case_id=case.id,
                kind="registered",
                at=now,
                actor=ACTOR,
                from_status=Status.RECEIVED,
                to_status=registered,
                data={
                    "business_type": found.business_type,
                    "cause": found.cause,
                    "severity": decision.severity,
                    "flags": sorted(found.flags),
                    "keywords": list(found.matched),
                },
            ),
            CaseEvent(
                case_id=case.id,
                kind="assigned",
                at=now,
                actor=ACTOR,
                from_status=registered,
                to_status=assigned,
                reason=decision.reason,
                data={
                    "unit": decision.unit,
                    "assignee": case.assignee_staff_id,
                    "rule": decision.rule,
                    "deadlines": {c.kind: c.due_at.isoformat() for c in clocks},
                },
            ),
        ]
    )
    session.add_all(
        Deadline(
            case_id=case.id,
            kind=clock.kind,
            state=DeadlineState.RUNNING,
            started_at=clock.started_at,
            due_at=clock.due_at,
            period=clock.period,
            warn_at=list(clock.warn_at),
            warnings_sent=0,
            next_check_at=clock.next_check_after(0),
        )
        for clock in clocks
    )
    await session.flush()
    if handler is None:
        log.warning("case %s routed to %s with nobody available to take it", case.case_number, decision.unit)
    return True

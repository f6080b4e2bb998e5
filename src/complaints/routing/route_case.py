"""Routing a received case: classify, pick the unit and handler, start its clocks — once."""

import dataclasses
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.models import Case, Deadline
from complaints.deadlines.clocks import plan_for
from complaints.domain import routing
from complaints.domain.assignment import pick_handler
from complaints.domain.clocks import DEFAULT_WARN_AT, PlannedClock, plan_fixed
from complaints.domain.events import EventKind
from complaints.domain.lifecycle import Action, next_status
from complaints.domain.rulebook import Rulebook
from complaints.domain.triage import record_flags, to_triage
from complaints.domain.understanding import Reader, Understanding, routing_verdict
from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    DeadlineKind,
    DeadlineState,
    Flag,
    Severity,
    Source,
    Status,
)
from complaints.jobs import outbox
from complaints.observability import correlation
from complaints.routing import alerts, repeats
from complaints.routing import receipts as receipts_service
from complaints.routing.receipts import ReceiptPolicy

log = logging.getLogger(__name__)

ACTOR = "routing"
ROUTED_CLOCKS = (DeadlineKind.FIRST_RESPONSE, DeadlineKind.RESOLUTION, DeadlineKind.REGULATORY)


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
    session: AsyncSession,
    *,
    case_id: int,
    outbox_id: int | None,
    rulebook: Rulebook,
    reader: Reader,
    now: datetime,
    receipts: ReceiptPolicy | None = None,
) -> bool:
    """True when this call routed the case; False when it was already routed (jobs may repeat).

    With `receipts`, the complainant's receipt is queued in the same transaction."""
    case = await session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if outbox_id is not None:
        await outbox.mark_processed(session, outbox_id=outbox_id, now=now)
    if case is None or case.status != Status.RECEIVED:
        return False
    correlation.bind_case(case.case_number)

    reading = reader.read(
        case.content,
        demand=case.demand,
        # The submitter's answers beat the text; the flags the record sets always hold.
        business_type=BusinessType(case.business_type) if case.business_type else None,
        cause=Cause(case.cause) if case.cause else None,
        flags=record_flags(
            confidential=case.confidential, channel=Channel(case.channel), source=Source(case.source)
        ),
    )
    duplicates = await repeats.find(session, case=case, business_type=reading.business_type)
    flags = set(reading.flags | duplicates.flags)

    def decide(answers: Understanding) -> routing.RoutingDecision:
        return routing.route(
            routing.CaseFacts(
                business_type=answers.business_type,
                cause=answers.cause,
                severity=Severity(case.severity),
                flags=frozenset(flags),
                channel=Channel(case.channel),
                source=Source(case.source),
                # The branch given at intake, else one the complainant names (DOMAIN.md).
                branch_code=case.branch_code or answers.named_branch,
                card_kind=answers.card,
            ),
            rules=rulebook.rules,
            floors=rulebook.floors,
            default_unit=rulebook.default_unit,
            known_units=rulebook.units.keys(),
        )

    # How sure the unit is, over the likeliest other readings: an unsure cause that routes the
    # same way does not matter; a card that may be credit or debit does.
    verdict = routing_verdict(reading, unit_of=lambda answers: decide(answers).unit)
    decision = repeats.to_original_unit(decide(reading), duplicates, rulebook)
    triage = verdict.needs_triage
    if triage:
        flags.add(Flag.NEEDS_TRIAGE)
        decision = to_triage(decision, default_unit=rulebook.default_unit, doubts=verdict.triage_reasons)
    decision = dataclasses.replace(
        decision, reason=f"{decision.reason} ← {_read(reading, verdict.confidence)}"
    )
    handler = pick_handler(
        rulebook.people_in(decision.unit),
        complained_about=case.staff_id,
        complained_branch=case.branch_code,
        needs_triage=triage,
    )
    clocks = plan_clocks(case, decision.severity, rulebook)

    registered = next_status(Status(case.status), Action.REGISTER)
    assigned = next_status(registered, Action.ASSIGN)
    case.business_type = reading.business_type
    case.cause = reading.cause
    case.flags = sorted(flags)
    case.card_kind = reading.card
    case.business_channel = reading.business_channel
    case.classification_confidence = verdict.confidence
    case.classifier_version = reading.model_version
    case.severity = decision.severity
    case.unit_code = decision.unit
    case.assignee_staff_id = handler.staff_id if handler else None
    case.routing_rule = decision.rule
    case.routing_reason = decision.reason
    case.status = assigned
    case.assigned_at = now
    case.updated_at = now
    session.add_all(
        [
            events.new(
                EventKind.REGISTERED,
                case,
                at=now,
                actor=ACTOR,
                from_status=Status.RECEIVED,
                to_status=registered,
                data={
                    "business_type": reading.business_type,
                    "cause": reading.cause,
                    "card": reading.card,
                    "business_channel": reading.business_channel,
                    "severity": decision.severity,
                    "flags": sorted(flags),
                    "confidence": verdict.confidence,
                    "model": reading.model_version,
                    "evidence": list(reading.evidence),
                    "doubts": list(verdict.triage_reasons),
                },
            ),
            events.new(
                EventKind.ASSIGNED,
                case,
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
            unit=clock.unit,
            amount=clock.amount,
            warn_at=list(clock.warn_at),
            warnings_sent=0,
            next_check_at=clock.next_check_after(0),
        )
        for clock in clocks
    )
    await session.flush()
    await repeats.record(session, case=case, duplicates=duplicates, now=now, actor=ACTOR)
    await alerts.after_routing(session, case=case, rulebook=rulebook, now=now)
    if receipts is not None:
        await receipts_service.queue_receipt(
            session, case=case, clocks=clocks, handler=handler, policy=receipts, now=now
        )
    if handler is None:
        log.warning("case %s routed to %s with nobody available to take it", case.case_number, decision.unit)
    return True


def _read(reading: Understanding, confidence: float) -> str:
    """The routing reason's second half: what the text said, and how sure the unit is."""
    model = reading.model_version or "no model"
    return f"{reading.explanation()} ({model}, unit confidence {confidence:.2f})"

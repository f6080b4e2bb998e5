"""`reclassify`: a person says what the complaint is about, and routing is evaluated again.

The correction replaces the business type, the cause and the flags read from the text (the
record's flags stay; `needs_triage` goes), then the pure routing runs on the corrected case with
its current severity, which only rises. When the routed unit is another one, the case moves there
as a transfer moves it (steps.move_to_unit: the handler picked there, recusal, 首问负责), recorded
by a `transferred` event after the `reclassified` one. A case that waited for triage is being
routed for the first time, so that move does not count as a transfer (提级督办, first-contact
resolution); a correction of a classified case does.

The `reclassified` event carries the person's labels (`data.labels`), which the classifier's
trainer reads back (routing.corrections).
"""

from complaints.db import events
from complaints.deadlines import clocks
from complaints.domain import routing
from complaints.domain.assignment import pick_handler
from complaints.domain.events import EventKind, Labels
from complaints.domain.lifecycle import Action, next_status
from complaints.domain.triage import reclassified_flags, record_flags
from complaints.domain.vocabulary import Channel, Flag, Severity, Source, Status
from complaints.handling.acting import Acting, Step
from complaints.handling.steps import move_to_unit
from complaints.schemas.actions import ReclassifyBody


async def reclassify(acting: Acting, body: ReclassifyBody) -> Step:
    case, rulebook, now = acting.case, acting.rulebook, acting.now
    needed_triage = Flag.NEEDS_TRIAGE in case.flags
    channel, source = Channel(case.channel), Source(case.source)
    flags = reclassified_flags(
        body.flags, record=record_flags(confidential=case.confidential, channel=channel, source=source)
    )
    decision = routing.route(
        routing.CaseFacts(
            business_type=body.business_type,
            cause=body.cause,
            severity=Severity(case.severity),
            flags=flags,
            channel=channel,
            source=source,
            branch_code=case.branch_code,
            card_kind=body.card,
        ),
        rules=rulebook.rules,
        floors=rulebook.floors,
        default_unit=rulebook.default_unit,
        known_units=rulebook.units.keys(),
    )
    case.business_type = body.business_type
    case.cause = body.cause
    case.card_kind = body.card
    case.flags = sorted(flags)
    case.routing_rule = decision.rule
    case.routing_reason = decision.reason
    if decision.severity != case.severity:
        case.severity = decision.severity
        await clocks.reprioritise(acting.session, case=case, severity=decision.severity, rulebook=rulebook)
    labels: Labels = {
        "business_type": body.business_type,
        "cause": body.cause,
        "card": body.card,
        "flags": list(body.flags),
    }
    step = Step(EventKind.RECLASSIFIED, data={"labels": labels, "rule": decision.rule, "unit": decision.unit})
    if decision.unit == case.unit_code:
        if needed_triage and case.accepted_at is None:
            # Sorted where it already is: from the triage role to whoever takes the unit's cases.
            handler = pick_handler(
                rulebook.people_in(decision.unit),
                complained_about=case.staff_id,
                complained_branch=case.branch_code,
            )
            case.assignee_staff_id = handler.staff_id if handler else None
        return step
    from_status = Status(case.status)
    case.status = next_status(from_status, Action.TRANSFER)
    supervised = move_to_unit(acting, decision.unit, counts_as_transfer=not needed_triage)
    moved = events.new(
        EventKind.TRANSFERRED,
        case,
        at=now,
        actor=acting.actor.name,
        from_status=from_status,
        reason=decision.reason,
        data={
            "unit": decision.unit,
            "assignee": case.assignee_staff_id,
            "rule": decision.rule,
            "reclassified": True,
            "counts_as_transfer": not needed_triage,
        },
    )
    step.followups = [moved, *supervised]
    return step

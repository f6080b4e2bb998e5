"""Working a case: accept, notes, contact, transfer, return, escalate, pause, resume.

Each function gets a locked case whose status the state machine has already moved, changes
what the action changes (clocks through `services.clocks`), and returns the event's content.
"""

from datetime import timedelta

from complaints.db.models import CaseEvent
from complaints.deadlines import clocks
from complaints.domain.assignment import pick_handler
from complaints.domain.escalation import EscalationRule, rank
from complaints.domain.events import EventKind
from complaints.domain.vocabulary import DeadlineKind, EscalationLevel, Flag
from complaints.errors import InvalidInput
from complaints.escalation import ladder
from complaints.handling.acting import Acting, Step, restart_clocks
from complaints.schemas.actions import (
    AcceptBody,
    ContactBody,
    EscalateBody,
    NotesBody,
    PauseBody,
    ResumeBody,
    ReturnBody,
    TransferBody,
)

# A promise in the past is a typo, not a promise; the sender's clock may be a little ahead.
CLOCK_SKEW = timedelta(minutes=2)


async def accept(acting: Acting, body: AcceptBody) -> Step:
    """The target unit takes the case: from now on it, not the first receiver, owns it."""
    case, person = acting.case, acting.actor.person
    if person is not None and person.unit_code != case.unit_code:
        raise InvalidInput(
            f"{person.staff_id} is in {person.unit_code}; the case is with {case.unit_code}", field="actor"
        )
    case.accepted_at = acting.now
    case.accepted_by = acting.actor.name
    if person is not None:
        case.assignee_staff_id = person.staff_id
    return Step(EventKind.ACCEPTED, data={"first_receiver": case.first_receiver})


async def notes(acting: Acting, body: NotesBody) -> Step:
    """Internal: never shown to the complainant or to the person complained about."""
    return Step(EventKind.NOTED, data={"text": body.text, "internal": True})


async def contact(acting: Acting, body: ContactBody) -> Step:
    """Talking to the complainant is the first response; it keeps (and may renew) a promise."""
    case, now = acting.case, acting.now
    if body.promised_reply_at is not None and body.promised_reply_at <= now - CLOCK_SKEW:
        raise InvalidInput("promised_reply_at lies in the past", field="promised_reply_at")
    await clocks.meet(
        acting.session, case=case, kinds=[DeadlineKind.FIRST_RESPONSE, DeadlineKind.PROMISE], now=now
    )
    data: dict[str, object] = {"summary": body.summary}
    if body.promised_reply_at is not None:
        await clocks.start_fixed(
            acting.session,
            case=case,
            kind=DeadlineKind.PROMISE,
            due=max(body.promised_reply_at, now + timedelta(seconds=1)),
            label=f"promised by {acting.actor.name}",
            now=now,
        )
        data["promised_reply_at"] = body.promised_reply_at.isoformat()
    return Step(EventKind.CONTACTED, data=data)


async def transfer(acting: Acting, body: TransferBody) -> Step:
    """To another unit, which must accept it again; the clocks keep running (the complainant's
    wait does not start over), and the third transfer brings in consumer protection.

    `misrouted` says the first routing was wrong: the event carries it, and the trainer of the
    classifier reads the target unit as a label (routing.corrections)."""
    case, rulebook = acting.case, acting.rulebook
    if body.unit not in rulebook.units:
        raise InvalidInput(f"no org unit {body.unit!r}", field="unit")
    if body.unit == case.unit_code:
        raise InvalidInput(f"the case is already with {body.unit}", field="unit")
    followups = move_to_unit(acting, body.unit)
    data: dict[str, object] = {"unit": body.unit}
    if body.misrouted:
        data["misrouted"] = True
    return Step(EventKind.TRANSFERRED, data=data, followups=followups)


def move_to_unit(acting: Acting, unit: str, *, counts_as_transfer: bool = True) -> list[CaseEvent]:
    """Hand the case to `unit` and whoever there takes new cases (recusal kept; its triage role
    while the case needs triage). It waits there to be accepted: until then its first receiver
    keeps owning it (首问负责). A transfer counts towards 提级督办, whose event is returned when
    this one reaches the limit."""
    case, rulebook = acting.case, acting.rulebook
    handler = pick_handler(
        rulebook.people_in(unit),
        complained_about=case.staff_id,
        complained_branch=case.branch_code,
        needs_triage=Flag.NEEDS_TRIAGE in case.flags,
    )
    returns, transfers = case.return_count, case.transfer_count
    case.unit_code = unit
    case.assignee_staff_id = handler.staff_id if handler else None
    case.assigned_at = acting.now
    case.unaccepted_steps = 0
    case.accepted_at = None
    case.accepted_by = None
    if counts_as_transfer:
        case.transfer_count += 1
    supervised = ladder.supervision(
        case, returns_before=returns, transfers_before=transfers, rulebook=rulebook, now=acting.now
    )
    return [supervised] if supervised else []


async def return_for_rework(acting: Acting, body: ReturnBody) -> Step:
    """退回重办: the proposal goes back. The rework gets a fresh resolution period; the regulatory
    decision is owed again by its original date (it can still be extended); the callback waits
    for the next proposal; the third return brings in consumer protection."""
    case, rulebook, now = acting.case, acting.rulebook, acting.now
    returns, transfers = case.return_count, case.transfer_count
    case.return_count += 1
    await restart_clocks(acting, DeadlineKind.RESOLUTION)
    await clocks.reinstate(acting.session, case=case, kinds=[DeadlineKind.REGULATORY])
    await clocks.discard(acting.session, case=case, kinds=[DeadlineKind.CALLBACK])
    supervised = ladder.supervision(
        case, returns_before=returns, transfers_before=transfers, rulebook=rulebook, now=now
    )
    return Step(EventKind.RETURNED, followups=[supervised] if supervised else [])


async def escalate(acting: Acting, body: EscalateBody) -> Step:
    """One rung up the ladder, or straight to a named higher rung. The event's reason is the
    actor's; its rule says a person, not a rule of the ladder, made the climb."""
    case, rule = acting.case, EscalationRule.BY_HAND
    current = EscalationLevel(case.escalation_level)
    if body.level is None:
        climb = ladder.one_up(case, rule=rule, rulebook=acting.rulebook, now=acting.now)
        if climb is None:
            raise InvalidInput("the case is already at the top of the ladder", field="level")
    elif rank(body.level) <= rank(current):
        raise InvalidInput(f"the case is already at {current}", field="level")
    else:
        climb = ladder.raise_to(case, level=body.level, rule=rule, rulebook=acting.rulebook, now=acting.now)
    return Step(EventKind.ESCALATED, data=dict(climb.data()))


async def pause(acting: Acting, body: PauseBody) -> Step:
    """Waiting on the customer or an external appraisal: that time is excluded (CBIRC)."""
    if body.until is not None and body.until <= acting.now:
        raise InvalidInput("until lies in the past", field="until")
    acting.case.paused_until = body.until
    await clocks.pause(acting.session, case=acting.case, now=acting.now)
    data: dict[str, object] = {"waiting_for": body.waiting_for}
    if body.until is not None:
        data["until"] = body.until.isoformat()
    return Step(EventKind.PAUSED, data=data)


async def resume(acting: Acting, body: ResumeBody) -> Step:
    acting.case.paused_until = None
    await clocks.resume(acting.session, case=acting.case, now=acting.now, rulebook=acting.rulebook)
    return Step(EventKind.RESUMED)

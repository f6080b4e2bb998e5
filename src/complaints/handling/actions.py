"""`POST /v1/complaints/{case_number}/{action}`: one transition of the state machine.

`perform` locks the case (SELECT ... FOR UPDATE: concurrent actions on one case take turns),
names the actor, asks `domain.lifecycle` where the action leads (an illegal one raises
IllegalTransition with the actions allowed now), lets the action's function do its part and
writes the append-only event: who, when, from and to which status, why, and what changed
(`data.before` / `data.after`, clocks and classification included). Rules the action fired (an escalation, the
other side of a merge) follow as their own events.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.models import Case
from complaints.deadlines import clocks
from complaints.domain.lifecycle import Action, next_status
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import Status
from complaints.handling import reclassification, resolution
from complaints.handling import steps as handling
from complaints.handling.acting import Acting, Step, resolve_actor
from complaints.handling.case_reads import find_case
from complaints.schemas.actions import (
    AcceptBody,
    ActionBody,
    CallbackBody,
    CloseBody,
    ContactBody,
    EscalateBody,
    ExtendBody,
    MergeBody,
    NotesBody,
    PauseBody,
    ReclassifyBody,
    RefuseBody,
    ReopenBody,
    ResolveBody,
    ResumeBody,
    ReturnBody,
    TransferBody,
    WithdrawBody,
)
from complaints.security.api_keys import Principal

ActionHandler = Callable[[Acting, Any], Awaitable[Step]]


@dataclass(frozen=True)
class ActionSpec:
    """One action on a case. The API's route and the console's form are made from this entry;
    the statuses it is allowed in are the state machine's (domain/lifecycle.py)."""

    action: Action
    body: type[ActionBody]
    handler: ActionHandler
    operation_id: str
    summary: str
    description: str
    # The body may be left out: an empty one is used.
    body_optional: bool = False


# Adding an action: an entry here, its handler, its body model and its place in the lifecycle.
ACTIONS: Final[tuple[ActionSpec, ...]] = (
    ActionSpec(
        Action.ACCEPT,
        AcceptBody,
        handling.accept,
        operation_id="acceptComplaint",
        summary="Accept an assigned case",
        description="The target unit takes the case over from its first receiver (首问负责制): an `actor` "
        "must belong to the case's unit and becomes its assignee.",
        body_optional=True,
    ),
    ActionSpec(
        Action.NOTES,
        NotesBody,
        handling.notes,
        operation_id="addComplaintNote",
        summary="Add an internal note",
        description="Internal: never shown to the complainant or to the person complained about.",
    ),
    ActionSpec(
        Action.CONTACT,
        ContactBody,
        handling.contact,
        operation_id="contactComplainant",
        summary="Record a contact with the complainant",
        description="The first contact meets the `first_response` deadline (and any running `promise`). "
        "A promised reply time (`promised_reply_at`) starts a `promise` deadline, warned at 50 % and "
        "80 % and breached like any other; the next contact or the resolution meets it.",
    ),
    ActionSpec(
        Action.TRANSFER,
        TransferBody,
        handling.transfer,
        operation_id="transferComplaint",
        summary="Transfer to another unit",
        description="The case goes to `unit` (422 if unknown) and waits there to be accepted; its clocks "
        "keep running. The third transfer brings in consumer protection (提级督办). `misrouted: true` says "
        "the routing was wrong: the target unit becomes a label for the classifier's training.",
    ),
    ActionSpec(
        Action.RECLASSIFY,
        ReclassifyBody,
        reclassification.reclassify,
        operation_id="reclassifyComplaint",
        summary="Correct the classification, and re-route",
        description="A person says what the complaint is about: `business_type`, `cause`, the `flags` "
        "that hold (they replace the flags read from the text; the flags the case's record sets stay: "
        "regulator_referred, media from the media channel, confidential from the form) and, for bank "
        "cards, the `card`. `needs_triage` is removed: the case leaves the 待分类 queue. Routing is "
        "evaluated again on the correction with the case's severity, which only rises (its clocks "
        "re-plan when it does). When the routed unit changes, the case moves there as a transfer "
        "moves it: to `assigned`, the handler picked there, the first receiver owning it until the "
        "new unit accepts, and a `transferred` event after the `reclassified` one; a case that was "
        "waiting for triage is routed for the first time, so that move is not counted as a transfer. "
        "The `reclassified` event records the labels (`data.labels`) with the before/after and the "
        "reason; the classifier's training learns from it. Allowed where transfer is: registered, "
        "assigned, accepted, in_progress.",
    ),
    ActionSpec(
        Action.RETURN,
        ReturnBody,
        handling.return_for_rework,
        operation_id="returnComplaint",
        summary="Return a proposal for rework (退回重办)",
        description="The resolved case goes back to its handler with the reasons; the rework gets a fresh "
        "resolution period. The third return brings in consumer protection (提级督办).",
    ),
    ActionSpec(
        Action.ESCALATE,
        EscalateBody,
        handling.escalate,
        operation_id="escalateComplaint",
        summary="Escalate up the ladder",
        description="handler → unit manager → consumer-protection head → leadership: one rung up, or to the "
        "named higher `level` (422 at the top or for a rung not above the current one).",
    ),
    ActionSpec(
        Action.EXTEND,
        ExtendBody,
        resolution.extend,
        operation_id="extendComplaint",
        summary="Extend the regulatory deadline",
        description="15 days → 30 (approver: the case's unit manager, the consumer-protection head or "
        "leadership) → 60 (approver: the consumer-protection head or leadership), counted from receipt; "
        "`complainant_notified_at` records when the complainant was told. 422 for an unknown or "
        "insufficient approver or a deadline already passed.",
    ),
    ActionSpec(
        Action.PAUSE,
        PauseBody,
        handling.pause,
        operation_id="pauseComplaint",
        summary="Pause while waiting on the customer or an appraisal",
        description="The policy clocks stop; the paused time is excluded when they resume.",
        body_optional=True,
    ),
    ActionSpec(
        Action.RESUME,
        ResumeBody,
        handling.resume,
        operation_id="resumeComplaint",
        summary="Resume a paused case",
        description="The clocks run again, their due times moved by the pause.",
        body_optional=True,
    ),
    ActionSpec(
        Action.RESOLVE,
        ResolveBody,
        resolution.resolve,
        operation_id="resolveComplaint",
        summary="Resolve with a proposal",
        description="A typed `outcome` (compensation needs its `amount`), the `verdict` and the `reply` "
        "sent. Meets the first-response, resolution, regulatory and promise deadlines and starts the "
        "`callback` deadline (1 working day).",
    ),
    ActionSpec(
        Action.CALLBACK,
        CallbackBody,
        resolution.callback,
        operation_id="recordComplaintCallback",
        summary="Record the callback (回访)",
        description="Meets the `callback` deadline. Satisfied or basically satisfied: the case can be "
        "closed. Dissatisfied: the case is reopened (in_progress, a fresh resolution period) and "
        "escalated to the unit manager.",
    ),
    ActionSpec(
        Action.REOPEN,
        ReopenBody,
        resolution.reopen,
        operation_id="reopenComplaint",
        summary="Reopen on new facts",
        description="A resolved or closed case returns to in_progress; new facts restart the resolution "
        "and regulatory deadlines (CBIRC).",
    ),
    ActionSpec(
        Action.WITHDRAW,
        WithdrawBody,
        resolution.withdraw,
        operation_id="withdrawComplaint",
        summary="Record that the complainant withdrew",
        description="The case ends; its running deadlines stop.",
    ),
    ActionSpec(
        Action.REFUSE,
        RefuseBody,
        resolution.refuse,
        operation_id="refuseComplaint",
        summary="Refuse on one of the eight grounds",
        description="The refusal is the reply (`reply`, else the reason) and can be appealed.",
    ),
    ActionSpec(
        Action.MERGE,
        MergeBody,
        resolution.merge,
        operation_id="mergeComplaint",
        summary="Merge into another open case",
        description="The case carries on as `into` (422 if unknown or not open); both keep their histories "
        "and list each other in `related`.",
    ),
    ActionSpec(
        Action.CLOSE,
        CloseBody,
        resolution.close,
        operation_id="closeComplaint",
        summary="Close a resolved case",
        description="Normally after the callback; deadlines still running stop.",
        body_optional=True,
    ),
)
SPECS: Final[Mapping[Action, ActionSpec]] = {spec.action: spec for spec in ACTIONS}

# What the event's before/after compares: the case's handling fields (as the API names them).
TRACKED: Final[Mapping[str, str]] = {
    "status": "status",
    "business_type": "business_type",
    "cause": "cause",
    "flags": "flags",
    "severity": "severity",
    "unit": "unit_code",
    "assignee": "assignee_staff_id",
    "escalation_level": "escalation_level",
    "accepted_by": "accepted_by",
    "transfer_count": "transfer_count",
    "return_count": "return_count",
    "paused_until": "paused_until",
    "regulatory_days": "regulatory_days",
    "outcome": "outcome",
    "verdict": "verdict",
    "amount": "outcome_amount",
    "satisfaction": "satisfaction",
    "refusal_ground": "refusal_ground",
    "merged_into": "merged_into",
}


async def perform(
    session: AsyncSession,
    *,
    case_number: str,
    action: Action,
    body: ActionBody,
    principal: Principal,
    rulebook: Rulebook,
    now: datetime,
) -> Case:
    if isinstance(body, MergeBody):
        # Both cases are locked, always in id order, so two opposite merges cannot deadlock.
        await _lock_in_id_order(session, numbers=[case_number, body.into])
    case = await find_case(session, case_number=case_number, principal=principal, for_update=True)
    actor = resolve_actor(staff_id=body.actor, principal=principal, rulebook=rulebook, case=case)
    satisfaction = body.satisfaction if isinstance(body, CallbackBody) else None
    from_status = Status(case.status)
    to_status = next_status(from_status, action, satisfaction=satisfaction)
    before = await _snapshot(session, case)
    case.status = to_status
    case.updated_at = now
    acting = Acting(session, case, actor, rulebook, now, principal, from_status)
    step = await SPECS[action].handler(acting, body)
    after = await _snapshot(session, case)
    changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    session.add(
        events.new(
            step.kind,
            case,
            at=now,
            actor=actor.name,
            from_status=from_status,
            # Where the action left the case: a reclassification that re-routes moves it as a
            # transfer does, although by itself it keeps the status.
            to_status=case.status,
            reason=step.reason if step.reason is not None else body.reason,
            data={**step.data, "before": _nest(before, changed), "after": _nest(after, changed)},
        )
    )
    await session.flush()  # the action's event comes before the events of the rules it fired
    session.add_all(step.followups)
    await session.flush()
    return case


async def _lock_in_id_order(session: AsyncSession, *, numbers: list[str]) -> None:
    await session.execute(
        select(Case.id).where(Case.case_number.in_(numbers)).order_by(Case.id).with_for_update()
    )


async def _snapshot(session: AsyncSession, case: Case) -> dict[str, object]:
    snapshot = {name: _plain(getattr(case, attribute)) for name, attribute in TRACKED.items()}
    for kind, deadline in (await clocks.clocks_of(session, case=case)).items():
        snapshot[f"deadlines.{kind}"] = {"state": deadline.state, "due_at": deadline.due_at.isoformat()}
    return snapshot


def _nest(snapshot: dict[str, object], keys: list[str]) -> dict[str, object]:
    """The changed fields; clocks grouped under `deadlines` by kind."""
    nested: dict[str, object] = {}
    clocks_changed: dict[str, object] = {}
    for key in keys:
        if key.startswith("deadlines."):
            clocks_changed[key.removeprefix("deadlines.")] = snapshot.get(key)
        else:
            nested[key] = snapshot.get(key)
    if clocks_changed:
        nested["deadlines"] = clocks_changed
    return nested


def _plain(value: object) -> object:
    """JSON for the event's data: times as RFC 3339, amounts as strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return list(value)  # a copy: the snapshot before must not follow the case
    return value

"""`POST /v1/complaints/{case_number}/{action}`: working a case through its lifecycle.

Every action needs the `handle` scope, answers 200 with the case as it now stands, and
writes one append-only event (`GET /v1/complaints/{case_number}/events`). An action the case's
status does not allow answers 409 with `allowed`, the actions allowed now. Actions on one case
are serialised: each locks the case row until it commits.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from complaints.domain.lifecycle import Action
from complaints.domain.rulebook import Rulebook
from complaints.handling import actions
from complaints.handling import case_reads as cases
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
from complaints.schemas.complaint import CaseView
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal
from intake_api.channels.deps import RulebooksDep
from intake_api.dependencies import ERROR_RESPONSES, SessionDep, require

router = APIRouter(prefix="/v1/complaints", tags=["case handling"], responses=ERROR_RESPONSES)

HandleKey = Annotated[Principal, Depends(require(Permission.HANDLE))]

COMMON = (
    " The acting handler is `actor` (a configured staff id) or else the API key's name; the person "
    "the complaint is about is recused (403). 409 lists the actions allowed in the case's status."
)


async def get_rulebook(session: SessionDep, rulebooks: RulebooksDep) -> Rulebook:
    """The applied configuration, re-read only when a newer one has been applied."""
    return await rulebooks.get(session)


RulebookDep = Annotated[Rulebook, Depends(get_rulebook)]


async def act(
    session: SessionDep,
    *,
    case_number: str,
    action: Action,
    body: ActionBody,
    principal: Principal,
    rulebook: Rulebook,
) -> CaseView:
    case = await actions.perform(
        session,
        case_number=case_number,
        action=action,
        body=body,
        principal=principal,
        rulebook=rulebook,
        now=datetime.now(UTC),
    )
    return await cases.case_view(session, case=case, principal=principal)


@router.post(
    "/{case_number}/accept",
    response_model=CaseView,
    operation_id="acceptComplaint",
    summary="Accept an assigned case",
    description="The target unit takes the case over from its first receiver (首问负责制): an `actor` "
    "must belong to the case's unit and becomes its assignee." + COMMON,
)
async def accept_complaint(
    case_number: str,
    session: SessionDep,
    principal: HandleKey,
    rulebook: RulebookDep,
    body: AcceptBody | None = None,
) -> CaseView:
    data = body or AcceptBody()
    return await act(
        session,
        case_number=case_number,
        action=Action.ACCEPT,
        body=data,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/notes",
    response_model=CaseView,
    operation_id="addComplaintNote",
    summary="Add an internal note",
    description="Internal: never shown to the complainant or to the person complained about." + COMMON,
)
async def add_note(
    case_number: str, body: NotesBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.NOTES,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/contact",
    response_model=CaseView,
    operation_id="contactComplainant",
    summary="Record a contact with the complainant",
    description="The first contact meets the `first_response` deadline (and any running `promise`). "
    "A promised reply time (`promised_reply_at`) starts a `promise` deadline, warned at 50 % and "
    "80 % and breached like any other; the next contact or the resolution meets it." + COMMON,
)
async def contact_complainant(
    case_number: str, body: ContactBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.CONTACT,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/transfer",
    response_model=CaseView,
    operation_id="transferComplaint",
    summary="Transfer to another unit",
    description="The case goes to `unit` (422 if unknown) and waits there to be accepted; its clocks "
    "keep running. The third transfer brings in consumer protection (提级督办). `misrouted: true` "
    "says the routing was wrong: the target unit becomes a label for the classifier's training." + COMMON,
)
async def transfer_complaint(
    case_number: str, body: TransferBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.TRANSFER,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/reclassify",
    response_model=CaseView,
    operation_id="reclassifyComplaint",
    summary="Correct the classification, and re-route",
    description="A person says what the complaint is about: `business_type`, `cause`, the `flags` that "
    "hold (they replace the flags read from the text; the flags the case's record sets stay: "
    "regulator_referred, media from the media channel, confidential from the form) and, for bank "
    "cards, the `card`. `needs_triage` is removed: the case leaves the 待分类 queue. Routing is "
    "evaluated again on the correction with the case's severity, which only rises (its clocks "
    "re-plan when it does). When the routed unit changes, the case moves there as a transfer "
    "moves it: to `assigned`, the handler picked there, the first receiver owning it until the "
    "new unit accepts, and a `transferred` event after the `reclassified` one; a case that was "
    "waiting for triage is routed for the first time, so that move is not counted as a transfer. "
    "The `reclassified` event records the labels (`data.labels`) with the before/after and the "
    "reason; the classifier's training learns from it. Allowed where transfer is: registered, "
    "assigned, accepted, in_progress." + COMMON,
)
async def reclassify_complaint(
    case_number: str, body: ReclassifyBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.RECLASSIFY,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/return",
    response_model=CaseView,
    operation_id="returnComplaint",
    summary="Return a proposal for rework (退回重办)",
    description="The resolved case goes back to its handler with the reasons; the rework gets a fresh "
    "resolution period. The third return brings in consumer protection (提级督办)." + COMMON,
)
async def return_complaint(
    case_number: str, body: ReturnBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.RETURN,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/escalate",
    response_model=CaseView,
    operation_id="escalateComplaint",
    summary="Escalate up the ladder",
    description="handler → unit manager → consumer-protection head → leadership: one rung up, or to the "
    "named higher `level` (422 at the top or for a rung not above the current one)." + COMMON,
)
async def escalate_complaint(
    case_number: str, body: EscalateBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.ESCALATE,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/extend",
    response_model=CaseView,
    operation_id="extendComplaint",
    summary="Extend the regulatory deadline",
    description="15 days → 30 (approver: the case's unit manager, the consumer-protection head or "
    "leadership) → 60 (approver: the consumer-protection head or leadership), counted from receipt; "
    "`complainant_notified_at` records when the complainant was told. 422 for an unknown or "
    "insufficient approver or a deadline already passed." + COMMON,
)
async def extend_complaint(
    case_number: str, body: ExtendBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.EXTEND,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/pause",
    response_model=CaseView,
    operation_id="pauseComplaint",
    summary="Pause while waiting on the customer or an appraisal",
    description="The policy clocks stop; the paused time is excluded when they resume." + COMMON,
)
async def pause_complaint(
    case_number: str,
    session: SessionDep,
    principal: HandleKey,
    rulebook: RulebookDep,
    body: PauseBody | None = None,
) -> CaseView:
    data = body or PauseBody()
    return await act(
        session,
        case_number=case_number,
        action=Action.PAUSE,
        body=data,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/resume",
    response_model=CaseView,
    operation_id="resumeComplaint",
    summary="Resume a paused case",
    description="The clocks run again, their due times moved by the pause." + COMMON,
)
async def resume_complaint(
    case_number: str,
    session: SessionDep,
    principal: HandleKey,
    rulebook: RulebookDep,
    body: ResumeBody | None = None,
) -> CaseView:
    data = body or ResumeBody()
    return await act(
        session,
        case_number=case_number,
        action=Action.RESUME,
        body=data,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/resolve",
    response_model=CaseView,
    operation_id="resolveComplaint",
    summary="Resolve with a proposal",
    description="A typed `outcome` (compensation needs its `amount`), the `verdict` and the `reply` sent. "
    "Meets the first-response, resolution, regulatory and promise deadlines and starts the "
    "`callback` deadline (1 working day)." + COMMON,
)
async def resolve_complaint(
    case_number: str, body: ResolveBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.RESOLVE,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/callback",
    response_model=CaseView,
    operation_id="recordComplaintCallback",
    summary="Record the callback (回访)",
    description="Meets the `callback` deadline. Satisfied or basically satisfied: the case can be "
    "closed. Dissatisfied: the case is reopened (in_progress, a fresh resolution period) and "
    "escalated to the unit manager." + COMMON,
)
async def record_callback(
    case_number: str, body: CallbackBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.CALLBACK,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/reopen",
    response_model=CaseView,
    operation_id="reopenComplaint",
    summary="Reopen on new facts",
    description="A resolved or closed case returns to in_progress; new facts restart the resolution "
    "and regulatory deadlines (CBIRC)." + COMMON,
)
async def reopen_complaint(
    case_number: str, body: ReopenBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.REOPEN,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/withdraw",
    response_model=CaseView,
    operation_id="withdrawComplaint",
    summary="Record that the complainant withdrew",
    description="The case ends; its running deadlines stop." + COMMON,
)
async def withdraw_complaint(
    case_number: str, body: WithdrawBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.WITHDRAW,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/refuse",
    response_model=CaseView,
    operation_id="refuseComplaint",
    summary="Refuse on one of the eight grounds",
    description="The refusal is the reply (`reply`, else the reason) and can be appealed." + COMMON,
)
async def refuse_complaint(
    case_number: str, body: RefuseBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.REFUSE,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/merge",
    response_model=CaseView,
    operation_id="mergeComplaint",
    summary="Merge into another open case",
    description="The case carries on as `into` (422 if unknown or not open); both keep their histories "
    "and list each other in `related`." + COMMON,
)
async def merge_complaint(
    case_number: str, body: MergeBody, session: SessionDep, principal: HandleKey, rulebook: RulebookDep
) -> CaseView:
    return await act(
        session,
        case_number=case_number,
        action=Action.MERGE,
        body=body,
        principal=principal,
        rulebook=rulebook,
    )


@router.post(
    "/{case_number}/close",
    response_model=CaseView,
    operation_id="closeComplaint",
    summary="Close a resolved case",
    description="Normally after the callback; deadlines still running stop." + COMMON,
)
async def close_complaint(
    case_number: str,
    session: SessionDep,
    principal: HandleKey,
    rulebook: RulebookDep,
    body: CloseBody | None = None,
) -> CaseView:
    data = body or CloseBody()
    return await act(
        session,
        case_number=case_number,
        action=Action.CLOSE,
        body=data,
        principal=principal,
        rulebook=rulebook,
    )

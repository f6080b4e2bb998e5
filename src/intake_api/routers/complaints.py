"""/v1/complaints: intake from the hotline, partners and staff; reading cases back."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse

from complaints.domain.vocabulary import Channel, EscalationLevel, Severity, Status
from complaints.handling import attachments
from complaints.handling import case_reads as cases
from complaints.intake.filing import file_complaint
from complaints.schemas.complaint import CasePage, CaseView, ComplaintCreate, EventList
from complaints.schemas.keys import Permission
from complaints.schemas.moments import Moment
from complaints.security.api_keys import Principal
from intake_api.channels.deps import ChannelIntakeDep
from intake_api.dependencies import ERROR_RESPONSES, NowDep, SessionDep, SettingsDep, require

router = APIRouter(prefix="/v1/complaints", tags=["complaints"], responses=ERROR_RESPONSES)


@router.post(
    "",
    status_code=201,
    response_model=CaseView,
    operation_id="createComplaint",
    responses={
        201: {"description": "The case was opened (or, for a repeated Idempotency-Key, replayed)"},
        200: {
            "model": CaseView,
            "description": "This key already filed a case under this `external_ref` (the call id): "
            "that case, unchanged. A call-center retry never opens a second case.",
        },
    },
)
async def create_complaint(
    data: ComplaintCreate,
    session: SessionDep,
    settings: SettingsDep,
    intake: ChannelIntakeDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.INTAKE))],
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=255,
            description="Retries with the same key return the same case.",
        ),
    ] = None,
) -> JSONResponse:
    filed = await file_complaint(
        session,
        data=data,
        files=attachments.incoming(data.attachments),
        intake=intake,
        now=now,
        filer=principal,
        idempotency_key=idempotency_key,
    )
    headers = {"Idempotent-Replayed": "true"} if filed.replayed else {}
    if filed.status in (200, 201):
        headers["Location"] = f"/v1/complaints/{filed.case_number}"
    return JSONResponse(filed.body, status_code=filed.status, headers=headers)


@router.get("", response_model=CasePage, operation_id="listComplaints")
async def list_complaints(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    status: Status | None = None,
    unit: Annotated[str | None, Query(max_length=32)] = None,
    channel: Channel | None = None,
    severity: Severity | None = None,
    overdue: bool | None = None,
    due_before: Annotated[
        Moment | None,
        Query(description="Cases with a running clock (not met, paused or breached) due before this"),
    ] = None,
    about_to_breach: Annotated[
        bool | None,
        Query(description="Cases with a running clock past its last warning threshold, not yet due"),
    ] = None,
    unaccepted: Annotated[
        bool | None, Query(description="Cases assigned to a unit that has not accepted them yet")
    ] = None,
    assignee: Annotated[str | None, Query(max_length=32, description="The handler's staff id")] = None,
    escalation_level: EscalationLevel | None = None,
    needs_triage: Annotated[
        bool | None,
        Query(
            description="true: the cases the classifier could not place with confidence, waiting to be "
            "sorted (flag `needs_triage`, the console's 待分类 queue; `reclassify` takes them out); "
            "false: the others"
        ),
    ] = None,
    received_from: Moment | None = None,
    received_to: Moment | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200, description="Text in the complaint")] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> CasePage:
    return await cases.list_cases(
        session,
        principal=principal,
        filters=cases.CaseFilters(
            status=status,
            unit=unit,
            channel=channel,
            severity=severity,
            overdue=overdue,
            due_before=due_before,
            about_to_breach=about_to_breach,
            unaccepted=unaccepted,
            assignee=assignee,
            escalation_level=escalation_level,
            needs_triage=needs_triage,
            received_from=received_from,
            received_to=received_to,
            q=q,
        ),
        cursor=cursor,
        limit=min(limit, settings.max_page_size),
        now=now,
    )


@router.get("/{case_number}", response_model=CaseView, operation_id="getComplaint")
async def get_complaint(
    case_number: str,
    session: SessionDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
) -> CaseView:
    case = await cases.find_case(session, case_number=case_number, principal=principal)
    return await cases.case_view(session, case=case, principal=principal, now=now)


@router.get("/{case_number}/events", response_model=EventList, operation_id="listComplaintEvents")
async def list_complaint_events(
    case_number: str,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
) -> EventList:
    case = await cases.find_case(session, case_number=case_number, principal=principal)
    return await cases.list_events(session, case=case)

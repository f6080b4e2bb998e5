"""/v1/complaints: intake from the hotline, partners and staff; reading cases back."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case
from complaints.domain import attachments as attachment_rules
from complaints.domain.vocabulary import Channel, EscalationLevel, Severity, Status
from complaints.handling import attachments
from complaints.handling import case_reads as cases
from complaints.intake import idempotency
from complaints.intake.opening import find_by_external_ref, open_case
from complaints.schemas.complaint import AttachmentView, CasePage, CaseView, ComplaintCreate, EventList
from complaints.schemas.keys import Permission
from complaints.schemas.moments import Moment
from complaints.security.api_keys import Principal
from intake_api.channels.deps import ChannelIntakeDep
from intake_api.dependencies import ERROR_RESPONSES, SessionDep, SettingsDep, require

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
    request_hash = idempotency.fingerprint(data.model_dump(mode="json"))
    if idempotency_key is not None:
        stored = await idempotency.claim(
            session, api_key_id=principal.key_id, key=idempotency_key, request_hash=request_hash
        )
        if stored is not None:
            headers = {"Idempotent-Replayed": "true"}
            if stored.status == 201:
                headers["Location"] = f"/v1/complaints/{stored.body['case_number']}"
            return JSONResponse(stored.body, status_code=stored.status, headers=headers)
    if data.external_ref is not None:
        existing = await find_by_external_ref(session, principal=principal, external_ref=data.external_ref)
        if existing is not None:
            return await _already_filed(
                session, case=existing, principal=principal, key=idempotency_key, request_hash=request_hash
            )
    files = attachments.incoming(data.attachments)
    attachment_rules.check(files, intake.limits)
    now = datetime.now(UTC)
    opened = await open_case(
        session,
        data=data,
        principal=principal,
        now=now,
        zone=settings.zone,
        case_number_prefix=settings.case_number_prefix,
        retry_after=settings.outbox_retry_after_seconds,
        identity=intake.identity,
    )
    saved = await attachments.save(session, case_id=opened.case.id, files=files, store=intake.store, now=now)
    view = cases.render(opened.case, [], reveal_pii=principal.may(Permission.PII_READ))
    view.attachments = [
        AttachmentView(filename=a.filename, content_type=a.content_type, size_bytes=a.size_bytes, url=a.url)
        for a in saved
    ]
    body = view.model_dump(mode="json")
    if idempotency_key is not None:
        await idempotency.remember(
            session,
            api_key_id=principal.key_id,
            key=idempotency_key,
            request_hash=request_hash,
            response=idempotency.StoredResponse(201, body),
        )
    return JSONResponse(body, status_code=201, headers={"Location": f"/v1/complaints/{view.case_number}"})


async def _already_filed(
    session: AsyncSession, *, case: Case, principal: Principal, key: str | None, request_hash: str
) -> JSONResponse:
    """The call was filed before under this external_ref: answer with that case (200)."""
    body = (await cases.case_view(session, case=case, principal=principal)).model_dump(mode="json")
    if key is not None:
        await idempotency.remember(
            session,
            api_key_id=principal.key_id,
            key=key,
            request_hash=request_hash,
            response=idempotency.StoredResponse(200, body),
        )
    return JSONResponse(body, status_code=200, headers={"Location": f"/v1/complaints/{case.case_number}"})


@router.get("", response_model=CasePage, operation_id="listComplaints")
async def list_complaints(
    session: SessionDep,
    settings: SettingsDep,
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
        now=datetime.now(UTC),
    )


@router.get("/{case_number}", response_model=CaseView, operation_id="getComplaint")
async def get_complaint(
    case_number: str,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
) -> CaseView:
    case = await cases.find_case(session, case_number=case_number, principal=principal)
    return await cases.case_view(session, case=case, principal=principal)


@router.get("/{case_number}/events", response_model=EventList, operation_id="listComplaintEvents")
async def list_complaint_events(
    case_number: str,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
) -> EventList:
    case = await cases.find_case(session, case_number=case_number, principal=principal)
    return await cases.list_events(session, case=case)

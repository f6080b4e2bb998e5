"""/v1/complaints: intake from the hotline, partners and staff; reading cases back."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from complaints import outbox
from complaints.domain.vocabulary import Channel, Severity, Status
from complaints.schemas.complaint import CasePage, CaseView, ComplaintCreate, EventList
from complaints.services import cases, idempotency
from complaints.services.access import Principal, Scope
from complaints.services.intake import open_case
from intake_api.dependencies import ERROR_RESPONSES, QueueDep, SessionDep, SettingsDep, require

router = APIRouter(prefix="/v1/complaints", tags=["complaints"], responses=ERROR_RESPONSES)


@router.post(
    "",
    status_code=201,
    response_model=CaseView,
    operation_id="createComplaint",
    responses={201: {"description": "The case was opened (or, for a repeated Idempotency-Key, replayed)"}},
)
async def create_complaint(
    data: ComplaintCreate,
    session: SessionDep,
    settings: SettingsDep,
    redis: QueueDep,
    principal: Annotated[Principal, Depends(require(Scope.INTAKE))],
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
    opened = await open_case(
        session,
        data=data,
        principal=principal,
        now=datetime.now(UTC),
        zone=settings.zone,
        case_number_prefix=settings.case_number_prefix,
        retry_after=settings.outbox_retry_after_seconds,
    )
    view = cases.render(opened.case, [], reveal_pii=principal.may(Scope.PII_READ))
    body = view.model_dump(mode="json")
    if idempotency_key is not None:
        await idempotency.remember(
            session,
            api_key_id=principal.key_id,
            key=idempotency_key,
            request_hash=request_hash,
            response=idempotency.StoredResponse(201, body),
        )
    # Commit before the job is visible to a worker; if enqueueing fails the relay sends it.
    await session.commit()
    await outbox.enqueue(redis, opened.job)
    return JSONResponse(body, status_code=201, headers={"Location": f"/v1/complaints/{view.case_number}"})


@router.get("", response_model=CasePage, operation_id="listComplaints")
async def list_complaints(
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(require(Scope.READ))],
    status: Status | None = None,
    unit: Annotated[str | None, Query(max_length=32)] = None,
    channel: Channel | None = None,
    severity: Severity | None = None,
    overdue: bool | None = None,
    received_from: AwareDatetime | None = None,
    received_to: AwareDatetime | None = None,
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
    principal: Annotated[Principal, Depends(require(Scope.READ))],
) -> CaseView:
    case = await cases.find_case(session, case_number=case_number, principal=principal)
    return await cases.case_view(session, case=case, principal=principal)


@router.get("/{case_number}/events", response_model=EventList, operation_id="listComplaintEvents")
async def list_complaint_events(
    case_number: str,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Scope.READ))],
) -> EventList:
    case = await cases.find_case(session, case_number=case_number, principal=principal)
    return await cases.list_events(session, case=case)

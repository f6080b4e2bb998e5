"""Supervisors' bulk views. Included before the complaints router, so that `/v1/complaints/counts`
is not taken for a case number."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from complaints.domain.vocabulary import Channel, EscalationLevel, Severity
from complaints.errors import InvalidInput
from complaints.handling.case_reads import CaseFilters
from complaints.handling.supervision import count_cases
from complaints.schemas.keys import Permission
from complaints.schemas.moments import Moment
from complaints.schemas.supervision import CaseCounts
from complaints.security.api_keys import Principal
from intake_api.dependencies import ERROR_RESPONSES, NowDep, SessionDep, require

router = APIRouter(prefix="/v1/complaints", tags=["complaints"], responses=ERROR_RESPONSES)


@router.get(
    "/counts",
    response_model=CaseCounts,
    operation_id="countComplaints",
    summary="Counts per status, and how many are overdue, about to breach or unaccepted",
    description="Over the cases the key sees, narrowed by the same filters as the list.",
)
async def count_complaints(
    session: SessionDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    unit: Annotated[str | None, Query(max_length=32)] = None,
    assignee: Annotated[str | None, Query(max_length=32, description="The handler's staff id")] = None,
    channel: Channel | None = None,
    severity: Severity | None = None,
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
) -> CaseCounts:
    for name, value in (("unit", unit), ("assignee", assignee)):
        if value is not None and "\x00" in value:
            raise InvalidInput(f"{name} must not contain NUL characters", field=name)
    return await count_cases(
        session,
        principal=principal,
        filters=CaseFilters(
            unit=unit,
            assignee=assignee,
            channel=channel,
            severity=severity,
            escalation_level=escalation_level,
            needs_triage=needs_triage,
            received_from=received_from,
            received_to=received_to,
        ),
        now=now,
    )

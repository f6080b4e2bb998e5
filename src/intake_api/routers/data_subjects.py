"""/v1/admin/data-subjects: a person's requests under PIPL — export, correct, erase.

Identifiers travel in the body, never in the URL (URLs end up in logs and proxies).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from complaints.domain.identity import IdentityHasher
from complaints.privacy import data_subjects
from complaints.schemas.keys import Permission
from complaints.schemas.personal_data import Correction, Erasure, Subject, SubjectExport, SubjectOutcome
from complaints.security.api_keys import Principal
from intake_api.dependencies import ERROR_RESPONSES, NowDep, SessionDep, require

router = APIRouter(prefix="/v1/admin/data-subjects", tags=["administration"], responses=ERROR_RESPONSES)


def get_hasher(request: Request) -> IdentityHasher:
    hasher: IdentityHasher = request.app.state.identity_hasher
    return hasher


HasherDep = Annotated[IdentityHasher, Depends(get_hasher)]


@router.post("/export", response_model=SubjectExport, operation_id="exportDataSubject")
async def export_data_subject(
    subject: Subject,
    session: SessionDep,
    hasher: HasherDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.ADMIN, Permission.PII_READ, unbound=True))],
) -> SubjectExport:
    """Everything about a person (every case matching any identifier), unmasked; the read is recorded."""
    return await data_subjects.export(session, subject=subject, hasher=hasher, principal=principal, now=now)


@router.post("/correct", response_model=SubjectOutcome, operation_id="correctDataSubject")
async def correct_data_subject(
    correction: Correction,
    session: SessionDep,
    hasher: HasherDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.ADMIN, unbound=True))],
) -> SubjectOutcome:
    """Correct a person's data on every one of their cases (an event records which fields)."""
    return await data_subjects.correct(
        session, correction=correction, hasher=hasher, actor=principal.name, now=now
    )


@router.post("/erase", response_model=SubjectOutcome, operation_id="eraseDataSubject")
async def erase_data_subject(
    erasure: Erasure,
    session: SessionDep,
    hasher: HasherDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(require(Permission.ADMIN, unbound=True))],
) -> SubjectOutcome:
    """Anonymise a person's cases: their data and free text go, what statistics count stays."""
    return await data_subjects.erase(
        session, subject=erasure.subject, hasher=hasher, actor=principal.name, now=now
    )

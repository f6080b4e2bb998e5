"""Filing a complaint, however it arrived: the one service call behind the API, the web form,
e-mail and SMS. Callers only translate their format (JSON, a form, MIME, a gateway's post) to a
`ComplaintCreate` and the answer back.

Inside the caller's unit of work: a repeated Idempotency-Key replays the stored answer, a call id
this key filed before answers with that case, and otherwise the case opens with its first event,
its routing job and its attachments.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from complaints.domain import attachments as attachment_rules
from complaints.domain.attachments import IncomingFile
from complaints.handling import attachments
from complaints.handling import case_reads as cases
from complaints.intake import idempotency
from complaints.intake.inbound import ChannelIntake
from complaints.intake.opening import find_by_external_ref, open_case
from complaints.schemas.complaint import AttachmentView, ComplaintCreate
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal


@dataclass(frozen=True)
class Filed:
    case_number: str
    # None on a replay, which answers from what was stored without reading the case.
    case_id: int | None
    # 201: opened now; 200: this key filed the same call before. A replay keeps the first answer's.
    status: int
    # The case as the filer may see it (on a replay, the answer stored the first time).
    body: dict[str, Any]
    replayed: bool = False


async def file_complaint(
    session: AsyncSession,
    *,
    data: ComplaintCreate,
    files: Sequence[IncomingFile],
    intake: ChannelIntake,
    now: datetime,
    filer: Principal | None,
    actor: str | None = None,
    idempotency_key: str | None = None,
) -> Filed:
    """`filer` is the API key (None for the public channels, which `actor` names instead)."""
    request_hash = idempotency.fingerprint(data.model_dump(mode="json"))
    if filer is not None and idempotency_key is not None:
        stored = await idempotency.claim(
            session, api_key_id=filer.key_id, key=idempotency_key, request_hash=request_hash
        )
        if stored is not None:
            return Filed(str(stored.body["case_number"]), None, stored.status, stored.body, replayed=True)
    if filer is not None and data.external_ref is not None:
        existing = await find_by_external_ref(session, principal=filer, external_ref=data.external_ref)
        if existing is not None:
            view = await cases.case_view(session, case=existing, principal=filer, now=now)
            body = view.model_dump(mode="json")
            return await _answer(session, filer, idempotency_key, request_hash, existing.id, 200, body)
    attachment_rules.check(files, intake.limits)
    opened = await open_case(
        session,
        data=data,
        principal=filer,
        now=now,
        zone=intake.zone,
        case_number_prefix=intake.case_number_prefix,
        retry_after=intake.retry_after,
        identity=intake.identity,
        actor=actor,
        backdate_limit=intake.backdate_limit,
    )
    saved = await attachments.save(session, case_id=opened.case.id, files=files, store=intake.store, now=now)
    view = cases.render(
        opened.case, [], reveal_pii=filer is not None and filer.may(Permission.PII_READ), now=now
    )
    view.attachments = [
        AttachmentView(filename=a.filename, content_type=a.content_type, size_bytes=a.size_bytes, url=a.url)
        for a in saved
    ]
    body = view.model_dump(mode="json")
    return await _answer(session, filer, idempotency_key, request_hash, opened.case.id, 201, body)


async def _answer(
    session: AsyncSession,
    filer: Principal | None,
    key: str | None,
    request_hash: str,
    case_id: int,
    status: int,
    body: dict[str, Any],
) -> Filed:
    """The answer, remembered under the Idempotency-Key in the same transaction as the work."""
    if filer is not None and key is not None:
        await idempotency.remember(
            session,
            api_key_id=filer.key_id,
            key=key,
            request_hash=request_hash,
            response=idempotency.StoredResponse(status, body),
        )
    return Filed(str(body["case_number"]), case_id, status, body)

"""Data-subject requests (PIPL arts. 45–47): export, correct and erase a person's data.

A person is found by the keyed hashes of their identifiers, never by comparing plain values
(which are sealed). Erasure anonymises: the personal data and the free text go, while what the
statistics count — channel, business type, cause, severity, unit, dates, deadlines, outcome,
amounts — stays, so reports before and after the erasure agree.
"""

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.models import Attachment, Case, CaseEvent, ChannelMessage, Notification
from complaints.domain.events import EventKind
from complaints.domain.identity import IdentityHasher
from complaints.handling import case_reads
from complaints.schemas.personal_data import (
    AttachmentRecord,
    CaseRecord,
    Correction,
    NotificationRecord,
    Subject,
    SubjectExport,
    SubjectOutcome,
)
from complaints.security.api_keys import Principal
from complaints.security.pii_reads import PERSONAL_FIELDS

ERASED = "[erased]"
# The transaction-local switch the append-only trigger of case_events lets an erasure through by.
EVENT_REWRITE = "complaints.event_rewrite"
EXPORT_PURPOSE = "data_subject_export"
# What survives in an erased case's event data: codes (enum values, rule names, case
# numbers) and timestamps. Free text — where names and numbers hide — does not.
_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:+-]{0,63}$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


async def matching_cases(
    session: AsyncSession, *, subject: Subject, hasher: IdentityHasher, lock: bool = False
) -> Sequence[Case]:
    hashes = hasher.of(
        phone=subject.phone, email=subject.email, id_number=subject.id_number, customer_no=subject.customer_no
    )
    conditions = [
        column == value
        for column, value in (
            (Case.complainant_phone_hash, hashes.phone),
            (Case.complainant_email_hash, hashes.email),
            (Case.complainant_id_number_hash, hashes.id_number),
            (Case.complainant_customer_no_hash, hashes.customer_no),
        )
        if value is not None
    ]
    query = select(Case).where(or_(*conditions)).order_by(Case.id)
    if lock:
        query = query.with_for_update()
    return (await session.scalars(query)).all()


async def export(
    session: AsyncSession, *, subject: Subject, hasher: IdentityHasher, principal: Principal, now: datetime
) -> SubjectExport:
    """Every case of the person, unmasked, with events, attachments and messages sent to them."""
    records = []
    for case in await matching_cases(session, subject=subject, hasher=hasher):
        view = await case_reads.case_view(
            session, case=case, principal=principal, now=now, purpose=EXPORT_PURPOSE
        )
        history = await case_reads.list_events(session, case=case)
        files = await session.scalars(
            select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
        )
        sent = await session.scalars(
            select(Notification).where(Notification.case_id == case.id).order_by(Notification.id)
        )
        records.append(
            CaseRecord(
                case=view,
                events=history.items,
                attachments=[
                    AttachmentRecord(
                        filename=f.filename,
                        content_type=f.content_type,
                        size_bytes=f.size_bytes,
                        created_at=f.created_at,
                    )
                    for f in files
                ],
                notifications=[
                    NotificationRecord(
                        kind=n.kind,
                        channel=n.channel,
                        recipient=n.recipient,
                        subject=n.subject,
                        body=n.body,
                        state=n.state,
                        created_at=n.created_at,
                        sent_at=n.sent_at,
                    )
                    for n in sent
                ],
            )
        )
    return SubjectExport(generated_at=now, cases=records)


async def correct(
    session: AsyncSession,
    *,
    correction: Correction,
    hasher: IdentityHasher,
    actor: str,
    now: datetime,
) -> SubjectOutcome:
    changes = correction.changes()
    found = await matching_cases(session, subject=correction.subject, hasher=hasher, lock=True)
    for case in found:
        for field, value in changes.items():
            setattr(case, PERSONAL_FIELDS[field], value)
        if "phone" in changes:
            case.complainant_phone_hash = hasher.phone(changes["phone"])
        if "email" in changes:
            case.complainant_email_hash = hasher.email(changes["email"])
        if "id_number" in changes:
            case.complainant_id_number_hash = hasher.id_number(changes["id_number"])
        case.updated_at = now
        session.add(
            _event(case, EventKind.PERSONAL_DATA_CORRECTED, actor=actor, now=now, fields=sorted(changes))
        )
    await session.flush()
    return SubjectOutcome(case_numbers=[case.case_number for case in found], fields=sorted(changes))


async def erase(
    session: AsyncSession, *, subject: Subject, hasher: IdentityHasher, actor: str, now: datetime
) -> SubjectOutcome:
    found = await matching_cases(session, subject=subject, hasher=hasher, lock=True)
    fields = sorted(PERSONAL_FIELDS)
    for case in found:
        await _anonymise(session, case=case, now=now)
        session.add(_event(case, EventKind.PERSONAL_DATA_ERASED, actor=actor, now=now, fields=fields))
    await session.flush()
    return SubjectOutcome(case_numbers=[case.case_number for case in found], fields=fields)


async def _anonymise(session: AsyncSession, *, case: Case, now: datetime) -> None:
    for attribute in PERSONAL_FIELDS.values():
        setattr(case, attribute, None)
    case.complainant_phone_hash = None
    case.complainant_email_hash = None
    case.complainant_id_number_hash = None
    case.complainant_customer_no_hash = None
    case.content = ERASED
    case.demand = ERASED if case.demand is not None else None
    case.reply = ERASED if case.reply is not None else None
    case.content_simhash = None
    case.erased_at = now
    case.updated_at = now
    # The audit trail is append-only (migration 0012); this is its one lawful rewrite: the
    # text inside the events of a case marked erased (flushed first), never who did what when.
    await session.flush()
    await session.execute(select(func.set_config(EVENT_REWRITE, "erasure", True)))
    for event in await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)):
        event.reason = ERASED if event.reason is not None else None
        event.data = scrub(event.data)
    for message in await session.scalars(select(ChannelMessage).where(ChannelMessage.case_id == case.id)):
        message.data = scrub(message.data)
    for notification in await session.scalars(select(Notification).where(Notification.case_id == case.id)):
        notification.recipient = ERASED
        notification.subject = ERASED if notification.subject is not None else None
        notification.body = ERASED
        notification.data = scrub(notification.data)
    await session.execute(delete(Attachment).where(Attachment.case_id == case.id))


def scrub(value: Any) -> Any:
    """Keep numbers, booleans, codes and timestamps; replace any other text."""
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if isinstance(value, str) and not (_CODE.match(value) or _is_timestamp(value)):
        return ERASED
    return value


def _is_timestamp(value: str) -> bool:
    return _TIMESTAMP.match(value) is not None


def _event(case: Case, kind: EventKind, *, actor: str, now: datetime, fields: list[str]) -> CaseEvent:
    return events.new(kind, case, at=now, actor=actor, data={"fields": fields, "request": "data_subject"})

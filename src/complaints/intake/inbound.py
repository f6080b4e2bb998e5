"""What every public channel shares: open a case or add to one, recognise a message seen
before, and keep whatever was refused after its signature checked out.

A channel handler runs in one transaction; when it refuses the message (`MessageRejected`)
that transaction is rolled back — nothing partial stays — and the raw message is kept in a
transaction of its own, for someone to look at.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from arq import ArqRedis
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.channels import MessageRejected
from complaints.db import events, pii
from complaints.db.engine import SessionFactory
from complaints.db.models import Case, CaseEvent, ChannelMessage, RejectedMessage
from complaints.domain.attachments import AttachmentLimits, IncomingFile
from complaints.domain.events import EventKind
from complaints.domain.identity import IdentityHasher
from complaints.handling import attachments
from complaints.handling.attachment_store import AttachmentStore, LocalDirectoryStore
from complaints.jobs.unit_of_work import unit_of_work
from complaints.schemas.channels import ChannelOutcome, ChannelResult
from complaints.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelIntake:
    """Everything a channel needs to open cases, built once per process from the settings."""

    zone: ZoneInfo
    case_number_prefix: str
    retry_after: float
    identity: IdentityHasher
    store: AttachmentStore
    limits: AttachmentLimits
    sms_thread_hours: int
    # How far back staff may date a complaint's arrival (received_at).
    backdate_limit: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> "ChannelIntake":
        return cls(
            zone=settings.zone,
            case_number_prefix=settings.case_number_prefix,
            retry_after=settings.outbox_retry_after_seconds,
            # One place makes the personal-data keys: complaints.db.pii.
            identity=pii.hasher_from(settings),
            store=LocalDirectoryStore(settings.data_dir / "attachments"),
            limits=AttachmentLimits(
                max_bytes=settings.attachments.attachment_max_bytes,
                max_count=settings.attachments.attachment_max_count,
                types=settings.attachments.attachment_types,
            ),
            sms_thread_hours=settings.channels.sms_thread_hours,
            backdate_limit=timedelta(days=settings.backdate_max_days),
        )


@dataclass(frozen=True)
class Received:
    outcome: ChannelOutcome
    case_number: str | None = None
    detail: str | None = None

    def result(self) -> ChannelResult:
        return ChannelResult(outcome=self.outcome, case_number=self.case_number, detail=self.detail)


async def receive(
    sessions: SessionFactory,
    *,
    channel: str,
    raw: bytes,
    content_type: str | None,
    now: datetime,
    handle: Callable[[AsyncSession], Awaitable[Received]],
    redis: ArqRedis | None,
) -> Received:
    """Run `handle` in one unit of work; on refusal keep the raw message and re-raise.

    Two transactions by design: a refusal rolls back whatever `handle` did, while the
    refused message itself must be kept for inspection.
    """
    try:
        async with unit_of_work(sessions, redis) as session:
            received = await handle(session)
    except MessageRejected as rejection:
        async with unit_of_work(sessions, redis) as session:
            kept = await keep_rejected(
                session,
                channel=channel,
                raw=raw,
                content_type=content_type,
                code=rejection.code,
                detail=rejection.detail,
                now=now,
            )
        log.info("%s message refused (%s), kept as rejected message %d", channel, rejection.code, kept.id)
        raise
    log.info("%s message %s %s", channel, received.outcome, received.case_number or "")
    return received


async def keep_rejected(
    session: AsyncSession,
    *,
    channel: str,
    raw: bytes,
    content_type: str | None,
    code: str,
    detail: str,
    now: datetime,
) -> RejectedMessage:
    row = RejectedMessage(
        channel=channel,
        received_at=now,
        reason=code[:32],
        detail=detail[:1000],
        content_type=content_type[:200] if content_type else None,
        size_bytes=len(raw),
        raw=raw,
    )
    session.add(row)
    await session.flush()
    return row


async def lock_message(session: AsyncSession, *, channel: str, external_id: str) -> None:
    """Serialise concurrent deliveries of one message (a gateway retrying while we work)."""
    key = func.hashtextextended(f"channel:{channel}:{external_id}", 0)
    await session.execute(select(func.pg_advisory_xact_lock(key)))


async def seen_before(session: AsyncSession, *, channel: str, external_id: str) -> Received | None:
    """The first answer to a message delivered again."""
    row = await session.scalar(
        select(ChannelMessage).where(
            ChannelMessage.channel == channel,
            ChannelMessage.direction == "in",
            ChannelMessage.external_id == external_id,
        )
    )
    if row is None:
        return None
    number = (
        await session.scalar(select(Case.case_number).where(Case.id == row.case_id)) if row.case_id else None
    )
    return Received(ChannelOutcome.DUPLICATE, number, f"already received: {row.outcome}")


async def remember(
    session: AsyncSession,
    *,
    channel: str,
    direction: str,
    external_id: str,
    case_id: int | None,
    outcome: str,
    now: datetime,
    data: dict[str, object] | None = None,
) -> None:
    await session.execute(
        insert(ChannelMessage)
        .values(
            channel=channel,
            direction=direction,
            external_id=external_id[:500],
            case_id=case_id,
            outcome=outcome,
            at=now,
            data=data or {},
        )
        .on_conflict_do_nothing()
    )


async def add_message(
    session: AsyncSession,
    *,
    case: Case,
    channel: str,
    text: str,
    now: datetime,
    files: Sequence[IncomingFile] = (),
    kind: EventKind = EventKind.MESSAGE,
    data: dict[str, object] | None = None,
    intake: ChannelIntake,
) -> CaseEvent:
    """The complainant wrote again about an existing case: an event, not a new case."""
    # Events are append-only (written once, never updated): the files are named in it up front.
    named = {"attachments": [attachments.stored_filename(file) for file in files]} if files else {}
    event = events.new(
        kind,
        case,
        at=now,
        actor=f"complainant via {channel}",
        from_status=None,
        to_status=None,
        data={"channel": channel, "text": text, **(data or {}), **named},
    )
    session.add(event)
    await session.flush()
    if files:
        await attachments.save(
            session, case_id=case.id, files=files, store=intake.store, now=now, event_id=event.id
        )
    case.updated_at = now
    await session.flush()
    return event

"""Sending one queued notification: claim it, send it outside any transaction, record what
happened. A failure is retried with backoff (the job is re-run later) and never touches the
case; after `max_attempts`, or on a permanent refusal, the notification is marked failed."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Notification, OutboxMessage
from complaints.jobs import outbox
from complaints.notifications.messages import Outbound, PermanentSendError
from complaints.notifications.senders import Senders

log = logging.getLogger(__name__)

# A send that started this long ago without finishing is taken to have died with its worker.
LEASE = timedelta(minutes=2)


class State(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    state: str
    retry_in: timedelta | None = None


def outbound(row: Notification) -> Outbound:
    headers = row.data.get("headers") or {}
    parts = row.data.get("parts") or []
    assert isinstance(headers, dict)
    assert isinstance(parts, list)
    return Outbound(
        notification_id=row.id,
        channel=row.channel,
        recipient=row.recipient,
        body=row.body,
        subject=row.subject,
        parts=tuple(str(p) for p in parts),
        headers={str(k): str(v) for k, v in headers.items()},
    )


async def _finish(session: AsyncSession, *, outbox_id: int | None, now: datetime) -> None:
    if outbox_id is not None:
        await outbox.mark_processed(session, outbox_id=outbox_id, now=now)


async def deliver(
    sessions: SessionFactory,
    *,
    notification_id: int,
    outbox_id: int | None,
    senders: Senders,
    clock: Callable[[], datetime],
    max_attempts: int,
    retry_after: float,
) -> Delivery:
    async with unit_of_work(sessions) as session:
        now = clock()
        row = await session.scalar(
            select(Notification).where(Notification.id == notification_id).with_for_update(skip_locked=True)
        )
        if row is None:
            return Delivery("busy")  # another worker holds it (or it is gone)
        if row.state in (State.SENT, State.FAILED):
            await _finish(session, outbox_id=outbox_id, now=now)
            return Delivery(row.state)
        if row.state == State.SENDING and row.claimed_at is not None and row.claimed_at > now - LEASE:
            return Delivery("busy")
        row.state = State.SENDING
        row.claimed_at = now
        row.attempts += 1
        attempts = row.attempts
        message = outbound(row)

    error: Exception | None = None
    reference: str | None = None
    try:
        reference = await senders.send(message)
    except Exception as failure:  # every failure is recorded; none may stop the worker
        error = failure

    async with unit_of_work(sessions) as session:
        now = clock()
        row = await session.get(Notification, notification_id, with_for_update=True)
        assert row is not None
        if error is None:
            row.state, row.sent_at, row.provider_ref, row.last_error = State.SENT, now, reference, None
            await _finish(session, outbox_id=outbox_id, now=now)
            log.info("notification %d (%s) sent", notification_id, message.channel)
            return Delivery(State.SENT)
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if isinstance(error, PermanentSendError) or attempts >= max_attempts:
            row.state = State.FAILED
            await _finish(session, outbox_id=outbox_id, now=now)
            log.warning(
                "notification %d (%s) failed for good: %s", notification_id, message.channel, row.last_error
            )
            return Delivery(State.FAILED)
        row.state = State.PENDING
        wait = outbox.backoff(attempts - 1, retry_after)
        if outbox_id is not None:
            # The relay re-sends after this if the job's own retries run out meanwhile.
            message_row = await session.get(OutboxMessage, outbox_id)
            if message_row is not None:
                message_row.next_attempt_at = now + wait + timedelta(seconds=retry_after)
        log.warning(
            "notification %d (%s) attempt %d failed, retrying in %ss: %s",
            notification_id,
            message.channel,
            attempts,
            wait.total_seconds(),
            row.last_error,
        )
        return Delivery(State.PENDING, retry_in=wait)

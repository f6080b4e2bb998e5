"""Queueing the receipt (受理凭证) when routing has given a case its deadlines, in the same
transaction: an e-mail reply in the complainant's thread for mail, else an SMS when a phone is
known, else an e-mail; the send job delivers it (notifications/dispatch.py)."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, ChannelMessage, Notification, OutboxMessage
from complaints.domain.clocks import PlannedClock
from complaints.domain.rulebook import Person
from complaints.domain.vocabulary import Channel, DeadlineKind
from complaints.intake.inbound import remember
from complaints.jobs import outbox
from complaints.notifications.dispatch import State
from complaints.notifications.texts import ReceiptFacts, email_receipt, email_subject, sms_receipt
from complaints.schemas.jobs import SendNotification
from complaints.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceiptPolicy:
    sender_name: str
    contact_phone: str
    mail_from: str
    zone: ZoneInfo
    retry_after: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "ReceiptPolicy":
        return cls(
            sender_name=settings.notifications.sender_name,
            contact_phone=settings.notifications.contact_phone,
            mail_from=settings.notifications.mail_from,
            zone=settings.zone,
            retry_after=settings.outbox_retry_after_seconds,
        )

    @property
    def mail_domain(self) -> str:
        return self.mail_from.rpartition("@")[2] or "localhost"


def receipt_channel(case: Case) -> tuple[str, str] | None:
    """(channel, address) to send the receipt to, or None when we have no way to reach them."""
    if case.channel == Channel.EMAIL and case.complainant_email:
        return "email", case.complainant_email
    if case.complainant_phone:
        return "sms", case.complainant_phone
    if case.complainant_email:
        return "email", case.complainant_email
    return None


async def queue_receipt(
    session: AsyncSession,
    *,
    case: Case,
    clocks: Sequence[PlannedClock],
    handler: Person | None,
    policy: ReceiptPolicy,
    now: datetime,
) -> OutboxMessage | None:
    route = receipt_channel(case)
    if route is None:
        log.info("case %s has no phone or e-mail: no receipt sent", case.case_number)
        return None
    channel, recipient = route
    due = {clock.kind: clock.due_at for clock in clocks}
    facts = ReceiptFacts(
        case_number=case.case_number,
        received_at=case.received_at,
        reply_due=due.get(DeadlineKind.FIRST_RESPONSE),
        outcome_due=due.get(DeadlineKind.RESOLUTION),
        handler=handler.staff_id if handler else None,
        contact=(handler.contact if handler and handler.contact else policy.contact_phone),
        sender_name=policy.sender_name,
        zone=policy.zone,
    )
    if channel == "sms":
        parts = sms_receipt(facts)
        notification = Notification(
            case_id=case.id,
            kind="receipt",
            channel=channel,
            recipient=recipient,
            subject=None,
            body="".join(parts),
            data={"parts": parts},
            state=State.PENDING,
            attempts=0,
            created_at=now,
        )
    else:
        notification = await _email_receipt(
            session, case=case, facts=facts, recipient=recipient, policy=policy, now=now
        )
    session.add(notification)
    await session.flush()
    return await outbox.add(
        session, SendNotification(notification_id=notification.id), now=now, retry_after=policy.retry_after
    )


async def _email_receipt(
    session: AsyncSession,
    *,
    case: Case,
    facts: ReceiptFacts,
    recipient: str,
    policy: ReceiptPolicy,
    now: datetime,
) -> Notification:
    """A reply in the complainant's own thread when the case came by mail."""
    original = await session.scalar(
        select(ChannelMessage)
        .where(
            ChannelMessage.case_id == case.id,
            ChannelMessage.channel == Channel.EMAIL,
            ChannelMessage.direction == "in",
        )
        .order_by(ChannelMessage.id)
        .limit(1)
    )
    message_id = f"<receipt.{case.case_number}@{policy.mail_domain}>"
    headers = {"Message-ID": message_id}
    subject = email_subject(facts, original_subject=None)
    if original is not None and not original.external_id.startswith("<sha256."):
        headers["In-Reply-To"] = original.external_id
        headers["References"] = original.external_id
        original_subject = original.data.get("subject")
        subject = email_subject(facts, original_subject=str(original_subject) if original_subject else None)
    # Replies to our receipt thread onto the case through this id.
    await remember(
        session,
        channel=Channel.EMAIL,
        direction="out",
        external_id=message_id,
        case_id=case.id,
        outcome="queued",
        now=now,
    )
    return Notification(
        case_id=case.id,
        kind="receipt",
        channel="email",
        recipient=recipient,
        subject=subject,
        body=email_receipt(facts),
        data={"headers": headers},
        state=State.PENDING,
        attempts=0,
        created_at=now,
    )

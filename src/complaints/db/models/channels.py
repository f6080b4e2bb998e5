"""What the channels leave behind: attachments, links between cases, messages in and out."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base


class Attachment(Base):
    """Evidence: the bytes live in the attachment store under `storage_key` (or at `url`)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # The follow-up message that brought it; NULL for what came with the complaint.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class CaseLink(Base):
    """`case_id` is a repeat of, or in a group with, `related_case_id` (read both ways)."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "related_case_id", "kind"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    related_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ChannelMessage(Base):
    """A message seen on a channel, by its own id: an e-mail's Message-ID (ours or theirs), an
    SMS gateway's message id. Threads replies onto cases and recognises a webhook's retry."""

    __tablename__ = "channel_messages"
    __table_args__ = (UniqueConstraint("channel", "direction", "external_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # "in" from the complainant, "out" from us.
    direction: Mapped[str] = mapped_column(String(8))
    external_id: Mapped[str] = mapped_column(String(500))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # created, threaded, callback, ignored, waiting (an SMS part), sent (ours).
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    data: Mapped[dict[str, object]] = mapped_column(JSONB, default=dict)


class RejectedMessage(Base):
    """A signed message intake could not take, kept whole for someone to look at."""

    __tablename__ = "rejected_messages"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(1000))
    content_type: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class SmsPart(Base):
    """One part of a long SMS, waiting for the others (joined by the gateway's reference)."""

    __tablename__ = "sms_parts"
    __table_args__ = (UniqueConstraint("sender_hash", "reference", "part"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    sender_hash: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(64))
    part: Mapped[int] = mapped_column(SmallInteger)
    parts: Mapped[int] = mapped_column(SmallInteger)
    sender: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(index=True)


class Notification(Base):
    """A message to a complainant (a receipt, an update) and what became of sending it."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    # SMS: the parts as sent; e-mail: the threading headers (Message-ID, In-Reply-To, References).
    data: Mapped[dict[str, object]] = mapped_column(JSONB, default=dict)
    # pending → sending → sent, or failed after too many attempts or a permanent refusal.
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    provider_ref: Mapped[str | None] = mapped_column(String(200))

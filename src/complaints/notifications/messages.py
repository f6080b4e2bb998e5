"""What a sender is handed, how it reports failure, and the e-mail as it goes on the wire."""

from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Protocol


class SendError(Exception):
    """A failure worth retrying later (a timeout, a 5xx, a 4xx SMTP reply)."""


class PermanentSendError(SendError):
    """The other side refused for good (an unknown recipient, a rejected request): no retry."""


@dataclass(frozen=True)
class Outbound:
    """One message to one complainant, as stored in the `notifications` table."""

    notification_id: int
    channel: str  # "sms" or "email"
    recipient: str
    body: str
    subject: str | None = None
    parts: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)


class Sender(Protocol):
    async def send(self, message: Outbound) -> str | None:
        """Deliver, or raise SendError; return the provider's reference if it gives one."""
        ...

    async def close(self) -> None: ...


def build_email(message: Outbound, *, mail_from: str, sender_name: str, now: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr((sender_name, mail_from))
    mail["To"] = message.recipient
    mail["Subject"] = message.subject or ""
    mail["Date"] = format_datetime(now)
    for name in ("Message-ID", "In-Reply-To", "References"):
        if message.headers.get(name):
            mail[name] = message.headers[name]
    # RFC 3834: an automatic message, so the complainant's auto-responder stays quiet.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body, charset="utf-8")
    return mail

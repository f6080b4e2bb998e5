"""What a sender is handed, how it reports failure, and the e-mail as it goes on the wire."""

import re
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


# What cannot stand in a header value: CR, LF and every other control or line-breaking character.
_NOT_IN_A_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(value: str) -> str:
    """One header line from any text: the subject of a complainant's mail (whose RFC 2047
    words may decode to CR/LF), a stored Message-ID, a configured name. A line break there
    would be refused by `EmailMessage` (the notification failing on every retry) or, written
    raw, would start headers of the sender's choosing; it becomes a space."""
    return " ".join(_NOT_IN_A_HEADER.sub(" ", value).split())


def build_email(message: Outbound, *, mail_from: str, sender_name: str, now: datetime) -> EmailMessage:
    """The mail on the wire. Every header value goes through `header_text`, except the
    addresses: where the mail goes is never rewritten, so an address that is not one line
    is a permanent failure of this notification."""
    for address in (message.recipient, mail_from):
        if _NOT_IN_A_HEADER.search(address):
            raise PermanentSendError(f"the recipient or sender address {address!r} is not one line")
    mail = EmailMessage()
    mail["From"] = formataddr((header_text(sender_name), mail_from))
    mail["To"] = message.recipient
    mail["Subject"] = header_text(message.subject or "")
    mail["Date"] = format_datetime(now)
    for name in ("Message-ID", "In-Reply-To", "References"):
        if value := header_text(message.headers.get(name) or ""):
            mail[name] = value
    # RFC 3834: an automatic message, so the complainant's auto-responder stays quiet.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body, charset="utf-8")
    return mail

"""One raw RFC 5322 message → what intake needs: sender, subject, text, attachments, thread.

Pure: bytes in, a `ParsedMail` out, or `MessageRejected` naming why. Chinese mail arrives in
GB2312 (very often really GBK), GBK, GB18030, Big5 and UTF-8, as base64 or quoted-printable,
with RFC 2047 encoded-word headers; every GB label is decoded as GB18030 (their superset)
and Big5 as Big5-HKSCS, falling back to Microsoft's CP950.
"""

import codecs
import email
import email.policy
import re
from dataclasses import dataclass
from email.errors import (
    MessageDefect,
    MissingHeaderBodySeparatorDefect,
    MultipartInvariantViolationDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
)
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses

from complaints.channels import MessageRejected
from complaints.channels.html_text import html_to_text

CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "windows-936": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
}
# Structural damage after which the parts cannot be trusted to be what the sender wrote.
FATAL_DEFECTS: tuple[type[MessageDefect], ...] = (
    MissingHeaderBodySeparatorDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
    MultipartInvariantViolationDefect,
)
AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
AUTOMATIC_SENDERS = frozenset({"mailer-daemon", "postmaster"})
AUTOMATIC_SUBJECTS = (
    "自动回复",
    "自動回覆",
    "auto:",
    "automatic reply",
    "autoreply",
    "out of office",
    "退信",
    "undeliverable",
    "undelivered mail",
    "delivery status notification",
    "mail delivery failed",
)
_MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f]{1,500}>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_QUOTE_STARTS = (
    re.compile(r"^-{2,}\s*(原始邮件|原始郵件|Original Message)\s*-{2,}", re.IGNORECASE),
    re.compile(r"^(在|于|於).{0,120}(写道|寫道|wrote)\s*[：:]\s*$"),
    re.compile(r"^On .{0,200}wrote:\s*$"),
)
_HEADER_BLOCK = re.compile(r"^(发件人|寄件者|From)\s*[：:]")
_HEADER_BLOCK_NEXT = re.compile(r"^(发送时间|寄件日期|日期|Sent|Date|收件人|To)\s*[：:]")


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    from_name: str | None
    from_address: str | None
    text: str
    attachments: tuple[MailAttachment, ...]
    # Why this is an auto-reply or a bounce (never to open a case), else None.
    automatic: str | None

    @property
    def thread_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def codec_for(charset: str | None) -> str:
    name = (charset or "us-ascii").strip().strip("\"'").lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise MessageRejected("unknown_charset", f"unknown charset {charset!r}") from None
    if not getattr(info, "_is_text_encoding", True):  # base64, zlib, rot13 …: not charsets
        raise MessageRejected("unknown_charset", f"{charset!r} is not a text charset")
    return info.name


def decode_bytes(data: bytes, charset: str | None) -> str:
    codec = codec_for(charset)
    fallbacks = {"big5hkscs": ["cp950"], "ascii": ["utf-8", "gb18030"]}.get(codec, [])
    for candidate in [codec, *fallbacks]:
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return data.decode(codec, errors="replace")


def _undeclared(value: str) -> str:
    """Raw 8-bit bytes in a header (no encoded-word): UTF-8, else GB18030, as mailers send them."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    data = value.encode("ascii", "surrogateescape")
    for candidate in ("utf-8", "gb18030"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def decode_header_value(raw: str) -> str:
    """RFC 2047 encoded-words in any charset; lenient (a header is never a reason to refuse)."""
    unfolded = re.sub(r"\r?\n[ \t]+", " ", raw)
    pieces: list[str] = []
    for value, charset in decode_header(unfolded):
        if isinstance(value, str):
            pieces.append(_undeclared(value))
            continue
        try:
            pieces.append(
                decode_bytes(value, charset) if charset else _undeclared(value.decode("raw-unicode-escape"))
            )
        except MessageRejected:
            pieces.append(value.decode("ascii", errors="replace"))
    # A header is one line: a CR/LF (or any control character) that an encoded word decodes to
    # is not part of the text and must not reach a header we compose from it (a receipt's subject).
    return _CONTROL.sub(" ", "".join(pieces)).strip()


def sender(raw_from: str) -> tuple[str, str]:
    """(display name, address) of the one mailbox in a raw, undecoded `From` value.

    The address is parsed before any RFC 2047 decoding and only the display name is decoded
    afterwards: an encoded word is text (RFC 2047 §5), so `=?UTF-8?B?<victim's address>?=
    <attacker@…>` is the attacker writing the victim's address as a name, never the address.
    A value that parses to anything but exactly one mailbox (`victim@… <attacker@…>`, a list)
    is refused rather than guessed at: which of them sent it cannot be known."""
    unfolded = re.sub(r"\r?\n[ \t]+", " ", raw_from)
    mailboxes = getaddresses([unfolded])
    if len(mailboxes) != 1:
        raise MessageRejected(
            "malformed", f"the From header must name exactly one mailbox, not {len(mailboxes)}"
        )
    [(name, address)] = mailboxes
    address = _undeclared(address).strip()
    local, _, domain = address.rpartition("@")
    if not local or not domain:
        raise MessageRejected("malformed", "the From header holds no e-mail address")
    return (decode_header_value(name) if name else ""), address


def _raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(_MESSAGE_ID.findall(value or ""))


def _leaves(message: Message) -> list[Message]:
    """Every part that is not a container; an attached message counts as one part."""
    if message.is_multipart() and message.get_content_type() != "message/rfc822":
        payload = message.get_payload()
        assert isinstance(payload, list)
        return [leaf for part in payload if isinstance(part, Message) for leaf in _leaves(part)]
    return [message]


def _defects(message: Message) -> list[MessageDefect]:
    found = list(message.defects)
    if message.is_multipart() and message.get_content_type() != "message/rfc822":
        for part in message.get_payload():
            assert isinstance(part, Message)
            found.extend(_defects(part))
    return found


def _safe_filename(name: str | None, index: int, content_type: str) -> str:
    cleaned = re.sub(r"[\x00-\x1f\x7f/\\]", "_", decode_header_value(name) if name else "").strip(" .")
    if cleaned:
        return cleaned[-200:]
    extension = {"message/rfc822": ".eml", "text/plain": ".txt", "text/html": ".html"}.get(content_type, "")
    return f"attachment-{index}{extension}"


def _payload(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        message = inner[0] if isinstance(inner, list) else inner
        assert isinstance(message, Message)
        return message.as_bytes(policy=email.policy.SMTP)
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def automatic_reason(message: Message, *, from_address: str | None, subject: str) -> str | None:
    auto_submitted = (_raw_header(message, "Auto-Submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted.split(';')[0]}"
    precedence = (_raw_header(message, "Precedence") or "").strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if _raw_header(message, header) is not None:
            return f"{header} header"
    if message.get_content_type() == "multipart/report":
        return "delivery report (multipart/report)"
    if (_raw_header(message, "Return-Path") or "").strip() == "<>":
        return "null return path (a bounce)"
    if from_address and from_address.partition("@")[0].lower() in AUTOMATIC_SENDERS:
        return "sent by a mailer daemon"
    if subject.lower().startswith(AUTOMATIC_SUBJECTS):
        return "auto-reply subject"
    return None


def parse_mail(raw: bytes) -> ParsedMail:
    if not raw.strip():
        raise MessageRejected("malformed", "the message is empty")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    fatal = [type(d).__name__ for d in _defects(message) if isinstance(d, FATAL_DEFECTS)]
    if fatal:
        raise MessageRejected("malformed", f"malformed MIME message: {', '.join(sorted(set(fatal)))}")
    raw_from = _raw_header(message, "From")
    if raw_from is None:
        raise MessageRejected("malformed", "the message has no From header")
    from_name, from_address = sender(raw_from)
    subject = decode_header_value(_raw_header(message, "Subject") or "")

    plain: str | None = None
    html: str | None = None
    attachments: list[MailAttachment] = []
    for index, part in enumerate(_leaves(message), start=1):
        content_type = part.get_content_type()
        filename = part.get_filename()
        attached = part.get_content_disposition() == "attachment"
        is_body_text = content_type in ("text/plain", "text/html") and not filename and not attached
        if is_body_text:
            text = decode_bytes(_payload(part), part.get_content_charset())
            if content_type == "text/plain" and plain is None:
                plain = text
            elif content_type == "text/html" and html is None:
                html = text
            continue
        if content_type.startswith("multipart/"):
            continue  # an empty container
        data = _payload(part)
        if data:
            attachments.append(
                MailAttachment(_safe_filename(filename, index, content_type), content_type, data)
            )

    if plain is not None and plain.strip():
        body = plain
    elif html is not None:
        body = html_to_text(html)
    else:
        body = plain or ""
    body = body.replace("\r\n", "\n").replace("\x00", "").strip()
    if not body and not subject:
        raise MessageRejected("empty", "the message has neither a subject nor any text")
    return ParsedMail(
        message_id=next(iter(_ids(_raw_header(message, "Message-ID"))), None),
        in_reply_to=_ids(_raw_header(message, "In-Reply-To")),
        references=_ids(_raw_header(message, "References")),
        subject=subject.replace("\x00", ""),
        from_name=from_name.strip() or None,
        from_address=from_address.strip().lower(),
        text=body,
        attachments=tuple(attachments),
        automatic=automatic_reason(message, from_address=from_address, subject=subject),
    )


def strip_quoted(text: str) -> str:
    """The new part of a reply: cut at the quoted original ("> ", "在…写道：", Outlook's header)."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(pattern.match(stripped) for pattern in _QUOTE_STARTS):
            break
        if _HEADER_BLOCK.match(stripped) and any(
            _HEADER_BLOCK_NEXT.match(following.strip()) for following in lines[index + 1 : index + 4]
        ):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    new = "\n".join(kept).strip()
    return new or text.strip()


def case_numbers_in(text: str, *, prefix: str) -> list[str]:
    return re.findall(rf"(?<![A-Za-z0-9]){re.escape(prefix)}\d{{14}}(?![0-9])", text)

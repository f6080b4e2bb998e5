"""The words of a receipt (受理凭证): case number, when we will answer, who handles it."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from complaints.channels.sms_parsing import split_sms


@dataclass(frozen=True)
class ReceiptFacts:
    case_number: str
    received_at: datetime
    # The first reply we promise, and the outcome (the first_response and resolution clocks).
    reply_due: datetime | None
    outcome_due: datetime | None
    handler: str | None
    contact: str
    sender_name: str
    zone: ZoneInfo


def _short(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _long(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def sms_receipt(facts: ReceiptFacts) -> list[str]:
    """Parts of at most 70 characters (one SMS each)."""
    due = facts.reply_due or facts.outcome_due
    # Worded to fit one part with the usual sender name, handler and contact.
    text = f"【{facts.sender_name}】投诉已受理，编号{facts.case_number}"
    if due is not None:
        text += f"，{_short(due, facts.zone)}前答复"
    if facts.handler:
        text += f"，经办人{facts.handler}"
    text += f"，电话{facts.contact}"
    return split_sms(text)


def email_subject(facts: ReceiptFacts, *, original_subject: str | None) -> str:
    if original_subject:
        base = (
            original_subject
            if original_subject.lower().startswith(("re:", "回复"))
            else f"Re: {original_subject}"
        )
        return f"{base} [{facts.case_number}]"
    return f"投诉受理回执 Complaint receipt [{facts.case_number}]"


def email_receipt(facts: ReceiptFacts) -> str:
    zone = facts.zone
    lines = [
        "您好，",
        "",
        "您的投诉已受理。Your complaint has been registered.",
        "",
        f"受理编号 Case number: {facts.case_number}",
        f"受理时间 Received: {_long(facts.received_at, zone)}",
    ]
    if facts.reply_due is not None:
        lines.append(f"我们将于此时间前与您联系 We will contact you by: {_long(facts.reply_due, zone)}")
    if facts.outcome_due is not None:
        lines.append(f"预计办结时间 Expected outcome by: {_long(facts.outcome_due, zone)}")
    lines.append(
        f"经办人 Handler: {facts.handler}  联系电话 Phone: {facts.contact}"
        if facts.handler
        else f"联系电话 Phone: {facts.contact}"
    )
    lines += [
        "",
        "如需补充材料，请直接回复本邮件，并保留标题中的受理编号。",
        "To add information, reply to this e-mail and keep the case number in the subject.",
        "",
        facts.sender_name,
    ]
    return "\n".join(lines) + "\n"

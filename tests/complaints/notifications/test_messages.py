"""The e-mail as it goes on the wire: header values are single lines whatever they came from."""

import email
import email.policy
from datetime import UTC, datetime

import pytest

from complaints.notifications.messages import Outbound, PermanentSendError, build_email


@pytest.mark.parametrize("breaker", ["\r\n", "\n", "\r", "\x00", "\x0b", "\x0c", "\u2028", "\x85"])
def test_line_breaks_in_a_subject_taken_from_a_mail_never_break_the_message(breaker: str) -> None:
    """An inbound subject `=?UTF-8?B?...?=` may decode to CR/LF: as a header of ours it would
    raise at send time (the receipt stuck for ever) or, written raw, add headers of its own."""
    message = Outbound(
        notification_id=1,
        channel="email",
        recipient="wangxm@example.cn",
        body="您的投诉已受理。",
        subject=f"Re: 年费{breaker}Bcc: victim@example.cn [TS20261123000001]",
        headers={"Message-ID": "<receipt.TS20261123000001@bank.example>", "In-Reply-To": f"<a{breaker}b@x>"},
    )

    mail = build_email(
        message, mail_from="complaints@bank.example", sender_name="Bank", now=datetime.now(UTC)
    )
    wire = mail.as_bytes(policy=email.policy.SMTP)
    parsed = email.message_from_bytes(wire, policy=email.policy.default)

    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Re: 年费 Bcc: victim@example.cn [TS20261123000001]"
    assert parsed["To"] == "wangxm@example.cn"
    assert parsed["In-Reply-To"] == "<a b@x>"
    assert parsed.get_body(preferencelist=("plain",)).get_content().strip() == "您的投诉已受理。"  # type: ignore[union-attr]


def test_a_recipient_with_a_line_break_is_refused_not_rewritten() -> None:
    """The recipient is where the mail goes: never guessed at, so a broken one is an error."""
    message = Outbound(
        notification_id=1, channel="email", recipient="a@x.example\r\nBcc: b@y.example", body="x", subject="s"
    )

    with pytest.raises(PermanentSendError, match="recipient"):
        build_email(message, mail_from="complaints@bank.example", sender_name="Bank", now=datetime.now(UTC))

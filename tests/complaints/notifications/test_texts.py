from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from complaints.notifications.texts import ReceiptFacts, email_receipt, email_subject, sms_receipt

FACTS = ReceiptFacts(
    case_number="TS20261123000001",
    received_at=datetime(2026, 11, 23, 1, 12, tzinfo=UTC),
    reply_due=datetime(2026, 11, 24, 1, 12, tzinfo=UTC),
    outcome_due=datetime(2026, 12, 2, 16, 0, tzinfo=UTC),
    handler="CC001",
    contact="95588-8101",
    sender_name="投诉受理中心",
    zone=ZoneInfo("Asia/Shanghai"),
)


def test_the_sms_receipt_names_case_time_handler_and_contact_in_parts_of_70() -> None:
    parts = sms_receipt(FACTS)
    whole = "".join(parts)
    assert len(parts) == 1  # the usual receipt fits one SMS
    assert all(len(part) <= 70 for part in parts)
    for needed in ("TS20261123000001", "11月24日09:12", "CC001", "95588-8101", "【投诉受理中心】"):
        assert needed in whole


def test_the_email_receipt_replies_in_the_thread_subject() -> None:
    assert email_subject(FACTS, original_subject="信用卡年费") == "Re: 信用卡年费 [TS20261123000001]"
    assert email_subject(FACTS, original_subject="回复：年费") == "回复：年费 [TS20261123000001]"
    assert "TS20261123000001" in email_subject(FACTS, original_subject=None)
    body = email_receipt(FACTS)
    assert "2026-11-24 09:12" in body
    assert "2026-12-03 00:00" in body
    assert "CC001" in body


def test_a_long_sender_name_splits_the_receipt_into_parts_of_70() -> None:
    from dataclasses import replace

    parts = sms_receipt(replace(FACTS, sender_name="某某省农村商业银行股份有限公司消费者权益保护中心"))
    assert len(parts) == 2
    assert all(len(part) <= 70 for part in parts)

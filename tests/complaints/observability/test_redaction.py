"""The safety net: personal data that slips into a log message leaves it scrubbed."""

import pytest

from complaints.observability.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 13812345678 back", "call [phone] back"),
        ("电话13900001234，请回电", "电话[phone]，请回电"),
        ("mobile +86 138-1234-5678", "mobile [phone]"),
        ("landline 010-12345678", "landline [phone]"),
        ("id 11010519491231002X on file", "id [id] on file"),
        ("card 6222021234567890123", "card [number]"),
        ("write to a.b+c@example.org", "write to [email]"),
        (
            "DETAIL:  Key (phone)=(13812345678) already exists.",
            "DETAIL:  Key (phone)=(redacted) already exists.",
        ),
        ("Failing row contains (1, 张三, 13812345678).", "Failing row contains (redacted)."),
        ("[parameters: ('张三', '13812345678')]\n(Background", "[parameters: redacted]\n(Background"),
    ],
)
def test_personal_data_is_scrubbed(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "case TS20261123000001 routed",
        "request 0213456789012ab4c5d6e7f8a9b0c1d2",
        "took 0.0123 s at 2026-11-23T12:00:00.123456+00:00",
        "outbox:12345 relayed after 3 attempts",
    ],
)
def test_identifiers_and_numbers_that_are_not_personal_stay(text: str) -> None:
    assert redact(text) == text

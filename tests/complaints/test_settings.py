"""Settings refuse what would make a process start insecure, saying what to set instead."""

import pytest
from pydantic import ValidationError

from complaints.settings import ChannelSettings, PiiSettings, Settings

SECRETS = {
    "sms_webhook_secret": "COMPLAINTS_SMS_WEBHOOK_SECRET",
    "email_webhook_secret": "COMPLAINTS_EMAIL_WEBHOOK_SECRET",
    "identity_hash_key": "COMPLAINTS_IDENTITY_HASH_KEY",
    "web_secret": "COMPLAINTS_WEB_SECRET",
}


@pytest.mark.parametrize("field", sorted(SECRETS))
@pytest.mark.parametrize("value", ["", " ", "short-secret"], ids=["empty", "blank", "short"])
def test_an_empty_or_short_secret_in_the_environment_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    """`COMPLAINTS_SMS_WEBHOOK_SECRET=` (set, empty) was accepted, and an HMAC with an empty
    key is one anybody can compute: anyone could post forged SMS and e-mail."""
    monkeypatch.setenv(SECRETS[field], value)

    with pytest.raises(ValidationError) as refused:
        Settings()

    message = str(refused.value)
    assert SECRETS[field] in message
    assert "at least 16 characters" in message


@pytest.mark.parametrize("field", sorted(SECRETS))
def test_a_secret_given_in_code_is_held_to_the_same_rule(field: str) -> None:
    with pytest.raises(ValidationError, match=SECRETS[field]):
        ChannelSettings(**{field: ""})  # type: ignore[arg-type]


def test_long_secrets_and_unset_ones_are_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRETS.values():
        monkeypatch.delenv(name, raising=False)
    assert ChannelSettings().sms_webhook_secret is None  # unset: that webhook answers 503
    configured = ChannelSettings(sms_webhook_secret="x" * 16)  # type: ignore[arg-type]
    assert configured.sms_webhook_secret is not None


def test_a_short_personal_data_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_PII_KEYS", '{"2026-11": ""}')

    with pytest.raises(ValidationError, match="COMPLAINTS_PII_KEYS"):
        PiiSettings()

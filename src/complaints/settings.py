"""Settings from the environment (prefix COMPLAINTS_), split by concern."""

from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from complaints.domain.escalation import DEFAULT_UNACCEPTED_MINUTES, check_ladder_minutes

# hide_input_in_errors: a refused secret is never printed in the refusal.
PREFIXED = SettingsConfigDict(env_prefix="COMPLAINTS_", frozen=True, hide_input_in_errors=True)

# A key we sign or verify with (webhook HMACs, form tokens, identity hashes, sealing) is at
# least this long: an empty one (`COMPLAINTS_SMS_WEBHOOK_SECRET=`) makes an HMAC anybody can compute.
MIN_SECRET_LENGTH = 16


def check_secret(value: str, *, variable: str) -> str:
    """A configured secret, or a refusal to start that names the variable and what to set."""
    if len(value.strip()) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"{variable} is set but {'empty' if not value.strip() else 'too short'}: set it to at least "
            f"{MIN_SECRET_LENGTH} characters of random text (e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or unset it"
        )
    return value


# What a complainant may attach (the declared type is also checked against the file's bytes).
DEFAULT_ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "audio/mpeg",
        "audio/wav",
        "audio/x-wav",
        "audio/amr",
        "audio/mp4",
        "text/plain",
    }
)


class ChannelSettings(BaseSettings):
    """The public channels: webhook signatures, the web form's tokens and rate limits."""

    model_config = PREFIXED

    # HMAC-SHA256 keys of the gateways' X-Signature; unset: the webhook answers 503.
    sms_webhook_secret: SecretStr | None = None
    email_webhook_secret: SecretStr | None = None
    # Key of the hashes that match complainants (phone, ID and customer number) and of the web
    # form's signed tokens. Unset: made once under data_dir/secrets, which suits one machine;
    # set them when several machines serve the same database.
    identity_hash_key: SecretStr | None = None
    web_secret: SecretStr | None = None
    web_cookie_secure: bool = False
    csrf_max_age_seconds: int = Field(default=7200, gt=0)
    # Form submissions and status look-ups per client address and window (shared via Redis).
    web_rate_limit: int = Field(default=10, gt=0)
    web_lookup_rate_limit: int = Field(default=30, gt=0)
    web_rate_window_seconds: int = Field(default=600, gt=0)

    # The web form and the e-mail webhook carry files: they get this body limit instead.
    max_upload_bytes: int = Field(default=16 * 1_048_576, gt=0)
    # An SMS from a number with a case opened this recently is added to that case.
    sms_thread_hours: int = Field(default=24, gt=0)

    @field_validator("sms_webhook_secret", "email_webhook_secret", "identity_hash_key", "web_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None:
            check_secret(value.get_secret_value(), variable=f"COMPLAINTS_{str(info.field_name).upper()}")
        return value


class AttachmentSettings(BaseSettings):
    model_config = PREFIXED

    attachment_max_bytes: int = Field(default=10 * 1_048_576, gt=0)
    attachment_max_count: int = Field(default=10, ge=0)
    attachment_types: frozenset[str] = DEFAULT_ATTACHMENT_TYPES


class NotificationSettings(BaseSettings):
    """Receipts and updates to complainants: which sender per channel, and how to reach it."""

    model_config = PREFIXED

    # "file" writes under data_dir/outbound (development); the others really send.
    sms_sender: Literal["file", "http"] = "file"
    email_sender: Literal["file", "smtp"] = "file"
    sms_gateway_url: str | None = None
    sms_gateway_token: SecretStr | None = None
    # The JSON body posted per SMS part; $to, $text and $reference are filled in (JSON-escaped).
    sms_gateway_template: str = '{"to": "$to", "text": "$text", "reference": "$reference"}'
    sms_gateway_timeout_seconds: float = Field(default=5.0, gt=0)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout_seconds: float = Field(default=8.0, gt=0)
    mail_from: str = "complaints@example.com"
    # Who signs the receipts, and the number to call when no handler contact is known.
    sender_name: str = "投诉受理中心"
    contact_phone: str = "95588"
    notification_max_attempts: int = Field(default=8, gt=0)


class PiiSettings(BaseSettings):
    """Keys that seal personal data at rest (complaints.db.pii): JSON, key id → secret."""

    model_config = PREFIXED

    # e.g. COMPLAINTS_PII_KEYS='{"2026-11": "<32+ random characters>"}'. Unset: one is made under
    # data_dir/secrets (one machine only). Rotation: add a key, make it active, run
    # `complaints pii rotate-key`, then drop the old one.
    pii_keys: dict[str, SecretStr] = Field(default_factory=dict)
    pii_active_key_id: str | None = None

    @field_validator("pii_keys")
    @classmethod
    def _long_enough(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for key_id, secret in value.items():
            check_secret(secret.get_secret_value(), variable=f"COMPLAINTS_PII_KEYS[{key_id!r}]")
        return value


class ConsoleSettings(BaseSettings):
    """The staff console: its sign-in sessions and the demo's passwords."""

    model_config = PREFIXED

    # A signed cookie (the web secret) that lasts a working day; Secure: COMPLAINTS_WEB_COOKIE_SECURE.
    console_session_hours: float = Field(default=8, gt=0)
    # Sign-in attempts per staff id and client address and window (shared via Redis).
    console_login_rate_limit: int = Field(default=5, gt=0)
    console_login_window_seconds: int = Field(default=300, gt=0)
    # `complaints up` gives every demo person this password on a first start; unset: one is
    # generated and kept in data_dir/staff-password.
    demo_staff_password: SecretStr | None = None


class Settings(BaseSettings):
    model_config = PREFIXED

    # Unset URLs mean "run the embedded servers under data_dir" (only `complaints up` does that).
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Path("var")

    # A key with every scope, created by `complaints up` / the API on start when set.
    bootstrap_api_key: SecretStr | None = None
    # On the first start with the demo bank, `complaints up` loads this many synthetic past
    # complaints (`complaints demo history`) so reports and the dashboard have something to show.
    demo_history_cases: int = Field(default=5000, ge=0)

    timezone: str = "Asia/Shanghai"
    case_number_prefix: str = Field(default="TS", pattern=r"^[A-Z]{1,4}$")
    # How far back a staff-entered complaint's received_at may lie (a letter, a walk-in).
    backdate_max_days: int = Field(default=365, gt=0, le=36_500)

    # Requests larger than this are refused before they are parsed.
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    max_page_size: int = Field(default=100, gt=0)

    # The outbox relay re-sends a job that no worker has finished after this long.
    outbox_retry_after_seconds: float = Field(default=5.0, gt=0)
    # How often arq polls Redis for new jobs; it bounds intake → routed latency.
    worker_poll_delay_seconds: float = Field(default=0.05, gt=0)
    sla_sweep_interval_seconds: int = Field(default=1, ge=1, le=60)
    sla_sweep_batch_size: int = Field(default=500, gt=0)
    # How old the reports' snapshot may grow before the SLA worker takes a new one.
    reports_refresh_seconds: int = Field(default=300, ge=10)
    # An assigned case nobody accepts climbs the escalation ladder after these many minutes
    # (unit manager, consumer-protection head, leadership); JSON, e.g. `[15, 30, 60]`.
    unaccepted_escalation_minutes: tuple[int, ...] = DEFAULT_UNACCEPTED_MINUTES

    @field_validator("unaccepted_escalation_minutes")
    @classmethod
    def _ladder(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return check_ladder_minutes(value)

    channels: ChannelSettings = Field(default_factory=ChannelSettings)
    attachments: AttachmentSettings = Field(default_factory=AttachmentSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    pii: PiiSettings = Field(default_factory=PiiSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_database_url(self) -> str:
        if not self.database_url:
            raise RuntimeError("COMPLAINTS_DATABASE_URL is not set (or run `complaints up`)")
        return self.database_url

    def require_redis_url(self) -> str:
        if not self.redis_url:
            raise RuntimeError("COMPLAINTS_REDIS_URL is not set (or run `complaints up`)")
        return self.redis_url

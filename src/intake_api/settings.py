"""The API process's own limits (prefix COMPLAINTS_API_); what all processes share is in complaints."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SecuritySettings(BaseSettings):
    """Rate limits and CORS (prefix COMPLAINTS_API_)."""

    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_API_", frozen=True)

    # Requests per window, counted in Redis across every API process; off while Redis is down.
    rate_limit_per_key: int = Field(default=600, gt=0)
    rate_limit_per_address: int = Field(default=1200, gt=0)
    rate_limit_window_seconds: int = Field(default=60, gt=0, le=3600)
    # Browser origins allowed to call the API (JSON list); none by default.
    cors_origins: tuple[str, ...] = ()


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_API_", frozen=True)

    # Requests handled at once; more are refused at once with 503 + Retry-After rather than
    # queued behind the database until they time out.
    max_in_flight: int = Field(default=64, gt=0)
    # Database connections per API process (a fixed pool: no connect per request under load),
    # and how long a request waits for one before it is answered 503 + Retry-After.
    db_pool_size: int = Field(default=20, gt=0)
    db_pool_timeout_seconds: float = Field(default=2.0, gt=0)
    # What a refused client is told to wait.
    retry_after_seconds: int = Field(default=1, ge=1)
    security: SecuritySettings = Field(default_factory=SecuritySettings)

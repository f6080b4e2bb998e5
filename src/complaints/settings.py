"""Settings from the environment (prefix COMPLAINTS_), split by concern."""

from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_", frozen=True)

    # Unset URLs mean "run the embedded servers under data_dir" (only `complaints up` does that).
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Path("var")

    # A key with every scope, created by `complaints up` / the API on start when set.
    bootstrap_api_key: SecretStr | None = None

    timezone: str = "Asia/Shanghai"
    case_number_prefix: str = Field(default="TS", pattern=r"^[A-Z]{1,4}$")

    # Requests larger than this are refused before they are parsed.
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    max_page_size: int = Field(default=100, gt=0)

    # The outbox relay re-sends a job that no worker has finished after this long.
    outbox_retry_after_seconds: float = Field(default=5.0, gt=0)
    # How often arq polls Redis for new jobs; it bounds intake → routed latency.
    worker_poll_delay_seconds: float = Field(default=0.05, gt=0)
    sla_sweep_interval_seconds: int = Field(default=1, ge=1, le=60)
    sla_sweep_batch_size: int = Field(default=500, gt=0)

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

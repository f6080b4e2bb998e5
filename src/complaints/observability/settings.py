"""How a process reports on itself: log format and level, the metrics port (prefix COMPLAINTS_)."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LogSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_LOG_", frozen=True)

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # One JSON object per line for collectors; "text" for a person at a terminal; "auto" picks
    # text when stderr is a terminal.
    format: Literal["json", "text", "auto"] = "auto"


class MetricsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_METRICS_", frozen=True)

    # A worker serves Prometheus metrics on this port when it is set (the API serves /metrics).
    port: int | None = Field(default=None, ge=0, le=65535)
    host: str = "127.0.0.1"

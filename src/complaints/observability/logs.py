"""One log format for every process: a JSON object per line, correlation ids, no personal data.

`configure_logging` installs it on the root logger and makes the loggers of uvicorn and arq,
which bring handlers of their own, write through it too. Every line passes `redact`.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from complaints.observability import correlation
from complaints.observability.redaction import redact
from complaints.observability.settings import LogSettings

# Loggers that libraries configure with handlers of their own: made to propagate to ours.
_LIBRARY_LOGGERS = ("uvicorn", "uvicorn.error", "arq", "granian", "_granian")
# Servers' access logs print the raw URL, whose query may hold personal data (?q=a name): the
# API writes its own access line with the route template instead.
_SILENCED = ("uvicorn.access", "granian.access")
# HTTP clients log every URL they call at INFO, query and all.
_QUIETER = ("httpx", "httpcore")
# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
            **correlation.current(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """For a terminal; the same correlation ids and the same redaction."""

    def __init__(self, service: str) -> None:
        super().__init__(f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{name}={value}" for name, value in correlation.current().items())
        line = super().format(record)
        return redact(f"{line} [{ids}]" if ids else line)


def formatter_for(service: str, settings: LogSettings) -> logging.Formatter:
    text = settings.format == "text" or (settings.format == "auto" and sys.stderr.isatty())
    return TextFormatter(service) if text else JsonFormatter(service)


def configure_logging(
    service: str, settings: LogSettings | None = None, *, stream: TextIO | None = None
) -> None:
    """Route every log record of this process to stderr (or `stream`) in the configured format."""
    settings = settings or LogSettings()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter_for(service, settings))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.level)
    for name in _LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
        library.setLevel(logging.NOTSET)
    for name in _SILENCED:
        access = logging.getLogger(name)
        access.handlers.clear()
        access.propagate = False
    for name in _QUIETER:
        logging.getLogger(name).setLevel(logging.WARNING)

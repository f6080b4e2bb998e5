"""Capture every log line as the production JSON formatter writes it, then restore logging."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from complaints.observability.logs import configure_logging
from complaints.observability.settings import LogSettings


@contextmanager
def json_logs(service: str) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(service, LogSettings(format="json", level="DEBUG"), stream=stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)

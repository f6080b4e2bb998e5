"""Per request: a correlation id, a latency observation by route template, one access line.

The id comes from the caller's X-Request-ID when it is a sane token, else it is made here; it
goes back in the response and onto every log line written while the request is handled. The
access line names the route template (/v1/complaints/{case_number}), never the raw URL, whose
query may carry personal data.
"""

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaints.observability import correlation
from intake_api.metrics import REQUEST_DURATION

log = logging.getLogger("intake_api.access")

HEADER = b"x-request-id"
_SANE = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
# Probes and scrapes would drown the access log; they are still measured.
_QUIET = frozenset({"/healthz", "/readyz", "/metrics"})


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == HEADER and _SANE.fullmatch(value):
            return str(value.decode())
    return uuid.uuid4().hex


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        status = 500  # what the server answers when the app raises before it responds

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, rid.encode())]
            await send(message)

        started = time.perf_counter()
        with correlation.bound(correlation.request_id, rid), correlation.bound(correlation.case_number, None):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = getattr(scope.get("route"), "path", None) or "unmatched"
                REQUEST_DURATION.labels(scope["method"], route, str(status)).observe(elapsed)
                if route not in _QUIET:
                    log.info(
                        "%s %s %d %.1f ms",
                        scope["method"],
                        route,
                        status,
                        elapsed * 1000,
                        extra={"status": status, "duration_ms": round(elapsed * 1000, 2)},
                    )

"""The last resort: an error nothing else handled becomes a generic 500 problem.

The caller learns nothing about the cause — no exception text, SQL, stack or path — only the
request id to quote; the log line (redacted like every other) has the details.
"""

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaints.observability import correlation
from intake_api.problems import problem

log = logging.getLogger("intake_api.errors")


class CatchAll:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error in %s %s", scope["method"], _route(scope))
            if started:  # too late for a problem body: the server closes the connection
                raise
            request_id = correlation.current().get("request_id")
            detail = "the server could not handle the request" + (
                f"; quote request id {request_id} when reporting it" if request_id else ""
            )
            await problem(500, "Internal server error", detail)(scope, receive, send)


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path", None) or "unmatched route")

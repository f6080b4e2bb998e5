"""Load shedding: beyond a number of requests in flight, answer 503 + Retry-After at once.

A request refused here has done nothing and the caller knows it (no 2xx), so it retries;
one accepted is committed before its 201. Queuing more work than the database can take
would only turn every answer slow and then into time-outs. Probes and scrapes are exempt.
"""

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from intake_api.metrics import IN_FLIGHT, SHED

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})


class ConcurrencyLimit:
    def __init__(self, app: ASGIApp, *, max_in_flight: int, retry_after_seconds: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.retry_after = str(retry_after_seconds).encode()
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            SHED.inc()
            await self._refuse(send)
            return
        self.in_flight += 1
        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            IN_FLIGHT.dec()

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Service overloaded",
                "status": 503,
                "detail": "too many requests in flight; retry after the time given in Retry-After",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", self.retry_after),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

"""The one rate limiter (OWASP API4): per key, per client address, for the web form, the status
lookup and the console's sign-in, shared by every API process.

Fixed windows counted in Redis: one INCR + EXPIRE round trip per check. Redis is a helper
here, not a dependency: when it is down or slow the check lets the request through (intake
must keep working) and leaves Redis alone for a few seconds before trying again.
"""

import hashlib
import logging
import math
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from complaints.errors import TooManyRequests
from intake_api.problems import problem

log = logging.getLogger(__name__)

# Probes and scrapes are never limited.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RateLimiter:
    def __init__(
        self, redis_url: str | None, *, timeout_seconds: float = 0.25, cooldown_seconds: float = 5.0
    ) -> None:
        self._redis = (
            Redis.from_url(redis_url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds)
            if redis_url
            else None
        )
        self._cooldown = cooldown_seconds
        self._resume_at = 0.0

    async def retry_after(self, bucket: str, *, limit: int, window_seconds: int) -> int | None:
        """Seconds until the window resets when `bucket` is over `limit`, else None (counted)."""
        now = time.time()
        if self._redis is None or now < self._resume_at:
            return None
        window = int(now // window_seconds)
        key = f"complaints:rate:{bucket}:{window}"
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.incr(key)
                pipe.expire(key, window_seconds + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as error:
            self._resume_at = now + self._cooldown
            log.warning(
                "rate limits off for %.0f s, Redis unavailable: %s", self._cooldown, type(error).__name__
            )
            return None
        if int(count) <= limit:
            return None
        return max(1, math.ceil((window + 1) * window_seconds - now))

    async def check(self, bucket: str, *, limit: int, window_seconds: int, what: str) -> None:
        wait = await self.retry_after(bucket, limit=limit, window_seconds=window_seconds)
        if wait is not None:
            raise TooManyRequests(
                f"more than {limit} requests per {window_seconds} s {what}; retry after {wait} s",
                retry_after=wait,
            )

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


def digest(text: str) -> str:
    """What goes into a Redis key in place of personal data (an address, a staff id)."""
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def client_address(scope: Scope) -> str:
    """A digest of the client's address: the address is personal data and stays out of Redis."""
    client = scope.get("client")
    return digest(str(client[0] if client else "unknown"))


def limiter_of(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.limiter
    return limiter


class PerAddressLimit:
    """Every request, authenticated or not, counts against its client address."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, limit: int, window_seconds: int) -> None:
        self.app = app
        self.limiter = limiter
        self.limit = limit
        self.window_seconds = window_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        wait = await self.limiter.retry_after(
            f"ip:{client_address(scope)}", limit=self.limit, window_seconds=self.window_seconds
        )
        if wait is None:
            await self.app(scope, receive, send)
            return
        response = problem(
            429,
            "Too many requests",
            f"more than {self.limit} requests per {self.window_seconds} s from this address; "
            f"retry after {wait} s",
            headers={"Retry-After": str(wait)},
        )
        await response(scope, receive, send)

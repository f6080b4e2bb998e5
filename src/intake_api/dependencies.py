"""Request-scoped resources: the settings, the time, a database session, the caller, the queue."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Annotated

from arq import ArqRedis
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import tenancy
from complaints.errors import Forbidden, Unauthorized
from complaints.jobs import queue
from complaints.jobs.unit_of_work import unit_of_work
from complaints.now import Now
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal, authenticate
from complaints.settings import Settings
from intake_api.problems import Problem
from intake_api.rate_limit import RateLimiter
from intake_api.settings import SecuritySettings

log = logging.getLogger(__name__)


async def get_settings(request: Request) -> Settings:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per request.
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request: committed when the handler returns, else rolled back,
    and the jobs it queued sent after the commit."""
    async with unit_of_work(request.app.state.sessions, await get_queue(request)) as session:
        yield session


# scope="function": the session commits when the handler returns and *before* the response
# is sent, so a failed commit is never answered as a success and what the answer shows is
# durable (a new API key works at once; a PII read's audit row is written).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def now_of(request: Request) -> datetime:
    """The current moment from the app's clock (create_app's `clock`), never `datetime.now`."""
    clock: Now = request.app.state.clock
    return clock()


async def get_now(request: Request) -> datetime:
    # One moment per request: FastAPI caches a dependency's value for the request.
    return now_of(request)


SettingsDep = Annotated[Settings, Depends(get_settings)]
NowDep = Annotated[datetime, Depends(get_now)]

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ck_...`")


def require(*scopes: Permission, unbound: bool = False) -> Callable[..., Awaitable[Principal]]:
    """The caller's key, which must carry every one of `scopes` (401, 429, 403 otherwise).

    A unit-bound key's session is restricted to its unit's rows from here on (row-level
    security, complaints.db.tenancy). `unbound` endpoints (administration) see every unit,
    so only keys bound to none may call them.
    """

    async def principal(
        request: Request,
        session: SessionDep,
        now: NowDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        if credentials is None:
            raise Unauthorized("an API key is required (Authorization: Bearer ...)")
        found = await authenticate(session, key=credentials.credentials, now=now)
        if found is None:
            raise Unauthorized("unknown or revoked API key")
        security: SecuritySettings = request.app.state.security
        limiter: RateLimiter = request.app.state.limiter
        await limiter.check(
            f"key:{found.key_id}",
            limit=security.rate_limit_per_key,
            window_seconds=security.rate_limit_window_seconds,
            what="for this key",
        )
        for scope in scopes:
            if not found.may(scope):
                raise Forbidden(f"this key lacks the {scope} scope")
        if found.unit_code is not None:
            if unbound:
                raise Forbidden(f"this key is bound to {found.unit_code}; this needs a key bound to no unit")
            await tenancy.restrict(session, unit_code=found.unit_code)
        return found

    return principal


class QueueLink:
    """The Redis connection, opened lazily: the API keeps taking complaints while Redis is down."""

    def __init__(self, redis_url: str) -> None:
        self._url = redis_url
        self._redis: ArqRedis | None = None
        # Concurrent first requests must not each open (and leak) a connection of their own.
        self._connecting = asyncio.Lock()

    async def get(self) -> ArqRedis | None:
        if self._redis is None:
            async with self._connecting:
                if self._redis is None:
                    try:
                        self._redis = await queue.connect(self._url)
                    except Exception as error:
                        log.warning("Redis unavailable, jobs wait in the outbox: %s", error)
                        return None
        return self._redis

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


async def get_queue(request: Request) -> ArqRedis | None:
    link: QueueLink = request.app.state.queue
    return await link.get()


QueueDep = Annotated[ArqRedis | None, Depends(get_queue)]

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": Problem, "content": {"application/problem+json": {}}, "description": text}
    for status, text in {
        400: "Malformed request",
        401: "Missing or unknown API key",
        403: "The key lacks the scope",
        404: "Not found (or not visible to this key)",
        409: "Conflict",
        413: "Body too large",
        422: "Invalid request",
        429: "Rate limit reached: retry after Retry-After seconds",
        500: "Internal error (the body says nothing about its cause)",
        503: "Overloaded, or the database unavailable: retry after Retry-After seconds",
    }.items()
}

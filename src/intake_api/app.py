"""The intake API's app factory: `uvicorn intake_api.app:create_app --factory`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from complaints.db import pii
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.now import Now, system_now
from complaints.observability.logs import configure_logging
from complaints.security.api_keys import ensure_bootstrap_key
from complaints.settings import Settings
from intake_api import metrics, openapi_spec, problems
from intake_api.body_limit import BodyLimit
from intake_api.channels import email, pages, sms, web
from intake_api.console.routes import console_pages
from intake_api.dependencies import QueueLink
from intake_api.internal_errors import CatchAll
from intake_api.overload import ConcurrencyLimit
from intake_api.rate_limit import PerAddressLimit, RateLimiter
from intake_api.request_context import RequestContext
from intake_api.routers import (
    actions,
    admin_keys,
    complaints,
    data_subjects,
    health,
    regulator_exports,
    reports,
    supervision,
)
from intake_api.security_headers import SecurityHeaders
from intake_api.settings import ApiSettings
from intake_api.strict_query import known_query_only


def create_app(
    settings: Settings | None = None, limits: ApiSettings | None = None, clock: Now = system_now
) -> FastAPI:
    """The app. Called without settings, as the server's factory, it also sets up the process's logs.

    Requests read the time from `clock` (intake_api.dependencies.NowDep): tests choose the day.
    """
    if settings is None:
        configure_logging("api")
    settings = settings or Settings()
    limits = limits or ApiSettings()
    security = limits.security
    limiter = RateLimiter(settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(
            settings.require_database_url(),
            pool_size=limits.db_pool_size,
            max_overflow=0,
            pool_timeout=limits.db_pool_timeout_seconds,
            application_name="complaints-api",
        )
        app.state.sessions = create_session_factory(engine)
        # Personal data is sealed and matched with the keys from these settings (complaints.db.pii).
        pii.install(pii.keyring_from(settings))
        app.state.identity_hasher = pii.hasher_from(settings)
        app.state.queue = QueueLink(settings.require_redis_url())
        if settings.bootstrap_api_key is not None:
            async with unit_of_work(app.state.sessions) as session:
                await ensure_bootstrap_key(
                    session,
                    key=settings.bootstrap_api_key.get_secret_value(),
                    now=clock(),
                )
        try:
            yield
        finally:
            await app.state.queue.close()
            await limiter.close()
            await engine.dispose()

    app = FastAPI(
        title="Complaints API",
        version="1.0.0",
        summary="Multi-channel complaint intake, routing and deadlines",
        lifespan=lifespan,
        generate_unique_id_function=openapi_spec.operation_id,
        dependencies=[Depends(known_query_only)],
    )
    app.openapi = lambda: openapi_spec.cached(app)  # type: ignore[method-assign]
    app.state.security = security
    app.state.limiter = limiter
    app.state.settings = settings
    app.state.clock = clock
    app.state.retry_after_seconds = limits.retry_after_seconds
    problems.install(app)
    # Before complaints: `/v1/complaints/counts` is not a case number.
    app.include_router(supervision.router)
    app.include_router(complaints.router)
    app.include_router(actions.router)
    app.include_router(admin_keys.router)
    app.include_router(data_subjects.router)
    app.include_router(reports.router)
    app.include_router(regulator_exports.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    # The public channels: the web form, the SMS and e-mail gateways' webhooks.
    app.include_router(web.router)
    app.include_router(sms.router)
    app.include_router(email.router)
    app.include_router(console_pages)
    # The last added runs first: the request id and timing wrap everything, shedding comes
    # before any work, the body limit before any parsing.
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        # What carries files (the form's uploads, raw mail) gets the upload limit.
        wider={
            "/complaint": settings.channels.max_upload_bytes,
            "/v1/channels/email": settings.channels.max_upload_bytes,
        },
        html_prefixes=("/complaint",),
        html_page=pages.too_large_page,
    )
    app.add_middleware(
        PerAddressLimit,
        limiter=limiter,
        limit=security.rate_limit_per_address,
        window_seconds=security.rate_limit_window_seconds,
    )
    app.add_middleware(
        ConcurrencyLimit,
        max_in_flight=limits.max_in_flight,
        retry_after_seconds=limits.retry_after_seconds,
    )
    if security.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(security.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["Location", "Retry-After", "X-Request-ID", "Idempotent-Replayed"],
            max_age=600,
        )
    # An unhandled error leaves as a generic problem, with the security headers on it.
    app.add_middleware(CatchAll)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestContext)
    return app

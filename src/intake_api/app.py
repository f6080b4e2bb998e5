"""The intake API's app factory: `uvicorn intake_api.app:create_app --factory`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI

from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.services.access import ensure_bootstrap_key
from complaints.settings import Settings
from intake_api import problems
from intake_api.body_limit import BodyLimit
from intake_api.dependencies import QueueLink
from intake_api.routers import complaints, health


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.require_database_url())
        app.state.sessions = create_session_factory(engine)
        app.state.queue = QueueLink(settings.require_redis_url())
        if settings.bootstrap_api_key is not None:
            async with unit_of_work(app.state.sessions) as session:
                await ensure_bootstrap_key(
                    session,
                    key=settings.bootstrap_api_key.get_secret_value(),
                    now=datetime.now(UTC),
                )
        try:
            yield
        finally:
            await app.state.queue.close()
            await engine.dispose()

    app = FastAPI(
        title="Complaints API",
        version="1.0.0",
        summary="Multi-channel complaint intake, routing and deadlines",
        lifespan=lifespan,
    )
    app.state.settings = settings
    problems.install(app)
    app.include_router(complaints.router)
    app.include_router(health.router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app

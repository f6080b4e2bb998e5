"""Engines are built by whoever runs (API lifespan, worker start-up, CLI), never at import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(
    database_url: str,
    *,
    pool_size: int = 10,
    max_overflow: int | None = None,
    pool_timeout: float = 30.0,
    application_name: str = "complaints",
) -> AsyncEngine:
    """`max_overflow` (default: `pool_size`) connections beyond the pool are opened when all
    are busy and closed again when returned: under steady load that is a connect (and a server
    process) per request, so long-running processes size the pool and allow no overflow."""
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        # How long a caller waits for a connection when all are busy (then TimeoutError).
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
        # Bound values (names, phone numbers, complaint text) stay out of error messages/logs.
        hide_parameters=True,
        connect_args={
            # Every moment is stored and compared in UTC; local time is the calendar's business.
            # The name shows in pg_stat_activity, so ops can tell the API from the workers.
            "server_settings": {"timezone": "UTC", "application_name": application_name},
        },
    )


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends normally, rolled back otherwise.

    Requests and jobs use complaints.jobs.unit_of_work, which wraps this and then sends the
    jobs the transaction queued; this alone is for work that queues none (CLI, start-up).
    """
    async with sessions() as session, session.begin():
        yield session

"""What every worker keeps between jobs (a TypedDict, as arq hands jobs a plain dict)."""

from typing import TypedDict

from arq import ArqRedis

from complaints.configuration.rulebook import RulebookCache
from complaints.db.engine import SessionFactory, create_engine, create_session_factory
from complaints.now import Now, system_now
from complaints.settings import Settings


class WorkerContext(TypedDict):
    """Everything a job reads from arq's context: arq sets `redis`, `open_context` the rest."""

    redis: ArqRedis
    settings: Settings
    sessions: SessionFactory
    rulebooks: RulebookCache
    # Where jobs read the time (complaints.now); arq's ctx may bring one, else the system clock.
    clock: Now


async def open_context(ctx: dict[str, object], settings: Settings) -> None:
    """arq's on_startup: engines are built when the worker starts, never at import."""
    ctx["settings"] = settings
    ctx.setdefault("clock", system_now)
    engine = create_engine(
        settings.require_database_url(), pool_size=10, max_overflow=0, application_name="complaints-worker"
    )
    ctx["sessions"] = create_session_factory(engine)
    ctx["rulebooks"] = RulebookCache(settings.zone)


async def close_context(ctx: dict[str, object]) -> None:
    sessions = ctx.get("sessions")
    if sessions is not None:
        engine = sessions.kw["bind"]  # type: ignore[attr-defined]
        await engine.dispose()

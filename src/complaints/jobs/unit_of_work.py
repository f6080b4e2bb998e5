"""The unit of work of every request and job: commit (or roll back), then send what it queued.

Services and repositories only flush; they hand jobs to `outbox.add`, and this is the one place
that sends them, after the commit, so a job is never sent for a change that did not commit.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import engine
from complaints.db.engine import SessionFactory
from complaints.jobs import outbox


@asynccontextmanager
async def unit_of_work(sessions: SessionFactory, redis: ArqRedis | None) -> AsyncIterator[AsyncSession]:
    """Without Redis (`None`) the queued jobs wait for the outbox relay."""
    async with engine.unit_of_work(sessions) as session:
        yield session
    # Reached only after a commit: a rollback raises out of the block above.
    await outbox.send_added(session, redis)

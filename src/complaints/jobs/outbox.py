"""Transactional outbox: a job is a row written with the change that needs it.

Redis only carries the nudge. `add` writes the row and registers it with the session; the
unit of work that commits the session sends what was added (`send_added`), and the relay
re-sends whatever no worker has finished after a while, with backoff, so a job survives
Redis being down, flushed, or a worker dying mid-way. Handlers are idempotent.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from arq import ArqRedis
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import OutboxMessage
from complaints.jobs.queue import QUEUE_OF_JOB
from complaints.schemas.jobs import Job, JobName

__all__ = [
    "Backlog",
    "JobName",
    "add",
    "backlog",
    "enqueue",
    "mark_processed",
    "relay",
    "send_added",
]

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=5)
ENQUEUE_TIMEOUT_SECONDS = 2.0


def job_id(message_id: int) -> str:
    return f"outbox:{message_id}"


# Where a session keeps the messages added in its transaction until it commits.
_ADDED = "outbox.added"


async def add(session: AsyncSession, job: Job, *, now: datetime, retry_after: float) -> OutboxMessage:
    """Write `job` in the session's transaction; whoever commits the session sends it.

    Not due for the relay before `retry_after`: the sender after commit goes first.
    """
    message = OutboxMessage(
        job=job.name,
        payload=job.model_dump(mode="json"),
        next_attempt_at=now + timedelta(seconds=retry_after),
        attempts=0,
    )
    session.add(message)
    await session.flush()
    register(session, [message])
    return message


def register(session: AsyncSession, messages: Sequence[OutboxMessage]) -> None:
    """Messages written some other way (a bulk insert) that the session's commit must send."""
    session.info.setdefault(_ADDED, []).extend(messages)


async def send_added(session: AsyncSession, redis: ArqRedis | None) -> None:
    """After commit: enqueue what the transaction added (best effort: the relay is the net)."""
    for message in session.info.pop(_ADDED, []):
        await enqueue(redis, message)


def job_arguments(message: OutboxMessage) -> dict[str, Any]:
    return {**message.payload, "outbox_id": message.id}


async def _send(redis: ArqRedis, message: OutboxMessage) -> bool:
    """True when the job went out; False when arq already holds it (queued or running under
    the same id: arq does not duplicate it)."""
    job = await redis.enqueue_job(
        message.job,
        job_arguments(message),
        _job_id=job_id(message.id),
        _queue_name=QUEUE_OF_JOB[JobName(message.job)],
    )
    return job is not None


async def enqueue(redis: ArqRedis | None, message: OutboxMessage) -> bool:
    """Best effort, after commit: a failure here only means the relay will send it."""
    if redis is None:
        return False
    try:
        # arq's Redis client has a connect timeout but none per command: a hung Redis must
        # not hold the request that already committed.
        await asyncio.wait_for(_send(redis, message), timeout=ENQUEUE_TIMEOUT_SECONDS)
    except Exception as error:
        log.warning("enqueue of outbox %s deferred to the relay: %r", message.id, error)
        return False
    return True


async def mark_processed(session: AsyncSession, *, outbox_id: int, now: datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.processed_at.is_(None))
        .values(processed_at=now)
    )


def backoff(attempts: int, retry_after: float) -> timedelta:
    return min(timedelta(seconds=retry_after * 2 ** min(attempts, 16)), MAX_BACKOFF)


async def relay(
    session: AsyncSession, redis: ArqRedis, *, now: datetime, retry_after: float, batch: int = 500
) -> int:
    """Enqueue due, unfinished messages again. Safe with several relays: rows are claimed."""
    due = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.processed_at.is_(None), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for message in due:
        if await _send(redis, message):
            # Sent again: the last one was lost (Redis flushed, a job that failed); back off.
            message.attempts += 1
            message.next_attempt_at = now + backoff(message.attempts, retry_after)
        else:
            # Still queued or running: nothing is lost, it is only waiting its turn. Look again
            # soon, so a loss later on is noticed within `retry_after`, not after a long backoff.
            message.next_attempt_at = now + timedelta(seconds=retry_after)
    return len(due)


@dataclass(frozen=True)
class Backlog:
    job: JobName
    pending: int
    # Age of the oldest message no worker has finished: how far behind that job is.
    lag_seconds: float


async def backlog(session: AsyncSession, *, now: datetime) -> list[Backlog]:
    """Unfinished messages per job (every known job, zero when none wait)."""
    rows = await session.execute(
        select(OutboxMessage.job, func.count(), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.processed_at.is_(None))
        .group_by(OutboxMessage.job)
    )
    found = {job: (count, oldest) for job, count, oldest in rows}
    result = []
    for job in JobName:
        count, oldest = found.get(job, (0, None))
        lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        result.append(Backlog(job, count, lag))
    return result

"""The Redis side of jobs: one serializer (JSON, readable by any language) for API and workers."""

import json
import socket
from typing import Any

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings

from complaints.schemas.jobs import JobName

# Each worker listens on its own queue, so one never picks up the other's jobs.
ROUTING_QUEUE = "complaints:routing"
SLA_QUEUE = "complaints:sla"

QUEUE_OF_JOB: dict[JobName, str] = {
    JobName.ROUTE_CASE: ROUTING_QUEUE,
    JobName.NOTIFY_MANAGER: SLA_QUEUE,
    JobName.HOLDING_REPLY: SLA_QUEUE,
    JobName.SEND_NOTIFICATION: ROUTING_QUEUE,
}


def serialize(job: dict[str, Any]) -> bytes:
    # A failed job's result is an exception; it is kept readable rather than refused.
    return json.dumps(job, separators=(",", ":"), default=str).encode()


def deserialize(data: bytes) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(data)
    return result


def redis_settings(redis_url: str) -> RedisSettings:
    # Fail fast: a request must not wait for Redis, the outbox relay catches up later.
    settings: RedisSettings = RedisSettings.from_dsn(redis_url)
    settings.conn_timeout = 1
    settings.conn_retries = 0
    return settings


def worker_redis_settings(redis_url: str, *, patience_seconds: int = 60) -> RedisSettings:
    # A worker, unlike a request, can wait for Redis to come up.
    settings = redis_settings(redis_url)
    settings.conn_retries = patience_seconds
    settings.conn_retry_delay = 1
    return settings


def health_check_key(queue_name: str, host: str | None = None) -> str:
    """Where a worker on `host` records that it is alive (arq's key for its queue, per host).

    Per host, so that a container's health check sees its own worker and not a replica's.
    """
    return f"{queue_name}:health-check:{host or socket.gethostname()}"


async def connect(redis_url: str) -> ArqRedis:
    pool: ArqRedis = await create_pool(
        redis_settings(redis_url), job_serializer=serialize, job_deserializer=deserialize
    )
    return pool

"""The Redis side of jobs: one serializer (JSON, readable by any language) for API and workers."""

import json
from typing import Any

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings

from complaints.schemas.jobs import JobName

# Each worker listens on its own queue, so one never picks up the other's jobs.
ROUTING_QUEUE = "complaints:routing"
SLA_QUEUE = "complaints:sla"

QUEUE_OF_JOB: dict[JobName, str] = {JobName.ROUTE_CASE: ROUTING_QUEUE}


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


async def connect(redis_url: str) -> ArqRedis:
    pool: ArqRedis = await create_pool(
        redis_settings(redis_url), job_serializer=serialize, job_deserializer=deserialize
    )
    return pool

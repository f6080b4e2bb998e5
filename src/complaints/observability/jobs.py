"""Instrumented arq jobs: how long each ran and waited, and its ids on every log line."""

import asyncio
import functools
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

from arq import ArqRedis, Retry
from prometheus_client import Gauge, Histogram

from complaints.observability import correlation
from complaints.observability.metrics import LATENCY_BUCKETS

R = TypeVar("R")
# arq calls a job with its context dict first, then the job's own arguments.
Job = Callable[..., Coroutine[Any, Any, R]]

JOB_DURATION = Histogram(
    "complaints_job_duration_seconds",
    "How long a job ran, by job and outcome (ok, retry, error, cancelled)",
    ["job", "outcome"],
    buckets=LATENCY_BUCKETS,
)
JOB_QUEUE_WAIT = Histogram(
    "complaints_job_queue_wait_seconds",
    "From enqueue (or the scheduled time) until a worker started the job",
    ["job"],
    buckets=LATENCY_BUCKETS,
)
QUEUE_DEPTH = Gauge("complaints_queue_depth", "Jobs due and not finished, by queue", ["queue"])


def instrumented(name: str) -> Callable[[Job[R]], Job[R]]:
    """Wrap a job: time it, count its outcome, bind its job id for the log lines it writes."""

    def wrap(job: Job[R]) -> Job[R]:
        async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> R:
            enqueued = ctx.get("enqueue_time")
            if isinstance(enqueued, datetime):
                JOB_QUEUE_WAIT.labels(name).observe(max(0.0, time.time() - enqueued.timestamp()))
            outcome = "error"
            started = time.perf_counter()
            with (
                correlation.bound(correlation.job_id, ctx.get("job_id")),
                correlation.bound(correlation.case_number, None),
            ):
                try:
                    result = await job(ctx, *args, **kwargs)
                    outcome = "ok"
                    return result
                except Retry:
                    outcome = "retry"
                    raise
                except asyncio.CancelledError:
                    outcome = "cancelled"
                    raise
                finally:
                    JOB_DURATION.labels(name, outcome).observe(time.perf_counter() - started)

        functools.update_wrapper(run, job)  # arq names cron jobs after the function
        return run

    return wrap


async def record_queue_depth(redis: ArqRedis, queue: str) -> int:
    """Jobs whose time has come that no worker has finished (arq keeps running ones queued)."""
    depth: int = await redis.zcount(queue, "-inf", time.time() * 1000)
    QUEUE_DEPTH.labels(queue).set(depth)
    return depth

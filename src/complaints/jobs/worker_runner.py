"""Start an arq worker from settings: `python -m routing_worker` / `python -m sla_worker`."""

import argparse
import sys
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from complaints.jobs import queue
from complaints.jobs.healthcheck import worker_alive
from complaints.jobs.resilient_worker import ResilientWorker
from complaints.observability.logs import configure_logging
from complaints.observability.metrics import serve_metrics
from complaints.settings import Settings


class WorkerProcessSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_WORKER_", frozen=True)

    # On SIGTERM: stop taking jobs, let running ones finish for this long, then cancel them
    # (a cancelled job is run again). Keep it below the orchestrator's grace (compose: 30 s).
    drain_seconds: int = Field(default=20, ge=0)
    # How often the worker records that it is alive; the key lives one second longer.
    health_interval_seconds: int = Field(default=5, ge=1)


def run(name: str, worker_kwargs: dict[str, Any], argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {name}")
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    parser.add_argument(
        "--check", action="store_true", help="exit 0 if this host's worker is alive (a health check)"
    )
    args = parser.parse_args(argv)
    settings = Settings()
    process = WorkerProcessSettings()
    queue_name: str = worker_kwargs["queue_name"]
    if args.check:
        sys.exit(0 if worker_alive(settings.require_redis_url(), queue_name) else 1)
    configure_logging(name.replace("_", "-"))
    serve_metrics()
    worker = ResilientWorker(
        **worker_kwargs,
        redis_settings=queue.worker_redis_settings(settings.require_redis_url()),
        job_serializer=queue.serialize,
        job_deserializer=queue.deserialize,
        poll_delay=settings.worker_poll_delay_seconds,
        burst=args.burst,
        ctx={"settings": settings},
        handle_signals=True,
        job_completion_wait=process.drain_seconds,
        health_check_interval=process.health_interval_seconds,
        health_check_key=queue.health_check_key(queue_name),
    )
    worker.run()

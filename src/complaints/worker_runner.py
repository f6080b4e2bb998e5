"""Start an arq worker from settings: `python -m routing_worker` / `python -m sla_worker`."""

import argparse
import logging
from typing import Any

from arq.worker import Worker

from complaints import queue
from complaints.settings import Settings


def run(name: str, worker_kwargs: dict[str, Any], argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {name}")
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    worker = Worker(
        **worker_kwargs,
        redis_settings=queue.redis_settings(settings.require_redis_url()),
        job_serializer=queue.serialize,
        job_deserializer=queue.deserialize,
        poll_delay=settings.worker_poll_delay_seconds,
        burst=args.burst,
        ctx={"settings": settings},
        handle_signals=True,
    )
    worker.run()

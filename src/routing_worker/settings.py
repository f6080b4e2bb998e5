"""arq settings of the routing worker."""

from typing import Any

from arq import cron, func

from complaints.queue import ROUTING_QUEUE
from complaints.schemas.jobs import JobName
from routing_worker.jobs import relay_outbox, route_case, shutdown, startup

EVERY_SECOND = set(range(60))

WORKER: dict[str, Any] = {
    "functions": [func(route_case, name=JobName.ROUTE_CASE, timeout=30, max_tries=3)],
    "cron_jobs": [cron(relay_outbox, second=EVERY_SECOND, run_at_startup=True, timeout=10)],
    "queue_name": ROUTING_QUEUE,
    "on_startup": startup,
    "on_shutdown": shutdown,
    # Results are not kept: the outbox row is the record, and a kept result would make arq
    # refuse the relay's re-send of the same job id after a failure.
    "keep_result": 0,
    "max_jobs": 20,
}

"""arq settings of the routing worker."""

from typing import Any

from arq import cron, func

from complaints.jobs.queue import ROUTING_QUEUE
from complaints.schemas.jobs import JobName
from routing_worker.jobs import relay_outbox, route_case, send_notification, shutdown, startup

EVERY_SECOND = set(range(60))

# arq keeps a running job's "in progress" mark for the longest timeout + 10 s; when a worker
# dies mid-job the mark expires and another worker runs the job again. Routing takes
# milliseconds, so 10 s timeouts mean a killed worker's job is re-run within about 20 s.
JOB_TIMEOUT_SECONDS = 10

WORKER: dict[str, Any] = {
    "functions": [
        func(route_case, name=JobName.ROUTE_CASE, timeout=JOB_TIMEOUT_SECONDS, max_tries=5),
        # Backoff between tries comes from the job (Retry(defer=...)); after these the outbox
        # relay starts it again until the notification's own attempt limit.
        func(send_notification, name=JobName.SEND_NOTIFICATION, timeout=JOB_TIMEOUT_SECONDS, max_tries=10),
    ],
    "cron_jobs": [cron(relay_outbox, second=EVERY_SECOND, run_at_startup=True, timeout=JOB_TIMEOUT_SECONDS)],
    "queue_name": ROUTING_QUEUE,
    "on_startup": startup,
    "on_shutdown": shutdown,
    # Results are not kept: the outbox row is the record, and a kept result would make arq
    # refuse the relay's re-send of the same job id after a failure.
    "keep_result": 0,
    "max_jobs": 20,
}

"""arq settings of the SLA worker."""

from typing import Any

from arq import cron

from complaints.queue import SLA_QUEUE
from complaints.settings import Settings
from sla_worker.jobs import shutdown, startup, sweep_deadlines


def worker_settings(settings: Settings) -> dict[str, Any]:
    interval = settings.sla_sweep_interval_seconds
    return {
        "functions": [],
        "cron_jobs": [
            cron(
                sweep_deadlines,
                second=set(range(0, 60, interval)),
                run_at_startup=True,
                timeout=55,
                unique=True,
            )
        ],
        "queue_name": SLA_QUEUE,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "keep_result": 0,
    }

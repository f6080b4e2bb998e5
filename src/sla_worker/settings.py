"""arq settings of the SLA worker."""

from typing import Any

from arq import cron, func

from complaints.jobs.queue import SLA_QUEUE
from complaints.schemas.jobs import JobName
from complaints.settings import Settings
from sla_worker.jobs import holding_reply, notify_manager, shutdown, startup, sweep_deadlines
from sla_worker.reports import refresh_reports
from sla_worker.unaccepted import escalate_unaccepted


def worker_settings(settings: Settings) -> dict[str, Any]:
    interval = settings.sla_sweep_interval_seconds
    return {
        "functions": [
            func(notify_manager, name=JobName.NOTIFY_MANAGER),
            func(holding_reply, name=JobName.HOLDING_REPLY),
        ],
        "cron_jobs": [
            cron(
                sweep_deadlines,
                second=set(range(0, 60, interval)),
                run_at_startup=True,
                timeout=55,
                unique=True,
            ),
            # Minutes matter here, not seconds: every few seconds is plenty.
            cron(
                escalate_unaccepted,
                second=set(range(0, 60, max(interval, 5))),
                run_at_startup=True,
                timeout=55,
                unique=True,
            ),
            # A refresh of a million cases takes seconds: its own job, so it never holds up the sweep.
            cron(refresh_reports, second={15, 45}, run_at_startup=True, timeout=600, unique=True),
        ],
        "queue_name": SLA_QUEUE,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "keep_result": 0,
    }

"""The routing worker's own metrics (job durations and queue depth are every worker's)."""

from prometheus_client import Counter, Gauge

ROUTED = Counter(
    "complaints_cases_routed_total", "Cases routed (a repeated job that found its case routed is not counted)"
)
OUTBOX_PENDING = Gauge("complaints_outbox_pending", "Outbox messages no worker has finished", ["job"])
OUTBOX_LAG = Gauge(
    "complaints_outbox_lag_seconds", "Age of the oldest outbox message no worker has finished", ["job"]
)

"""The SLA worker's own metrics (job durations and queue depth are every worker's)."""

from prometheus_client import Counter

WARNED = Counter("complaints_deadlines_warned_total", "Deadline warnings announced (50 %, 80 % elapsed)")
BREACHED = Counter("complaints_deadlines_breached_total", "Deadline breaches announced")

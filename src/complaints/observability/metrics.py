"""Prometheus plumbing: a worker's metrics port, and the exposition the API's /metrics serves.

Each process keeps its metrics in prometheus_client's default registry. When several processes
share one port (the API with several server workers), PROMETHEUS_MULTIPROC_DIR makes them
write to files there, and the exposition adds them up.
"""

import logging
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    start_http_server,
)
from prometheus_client.multiprocess import MultiProcessCollector

from complaints.observability.settings import MetricsSettings

log = logging.getLogger(__name__)

# Seconds: from a fast Redis round trip to a request stuck behind a full pool.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus' text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve_metrics(settings: MetricsSettings | None = None) -> int | None:
    """Serve /metrics on the configured port from a thread; the port, or None when off.

    A taken port costs the metrics, not the worker: it is logged and the worker goes on.
    """
    settings = settings or MetricsSettings()
    if settings.port is None:
        return None
    try:
        server, _ = start_http_server(settings.port, addr=settings.host)
    except OSError as error:
        log.warning("metrics not served on %s:%d: %s", settings.host, settings.port, error)
        return None
    port: int = server.server_port
    log.info("metrics on http://%s:%d/metrics", settings.host, port)
    return port

"""The API's Prometheus metrics and the /metrics endpoint."""

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import Counter, Gauge, Histogram

from complaints.observability.metrics import LATENCY_BUCKETS, exposition

REQUEST_DURATION = Histogram(
    "complaints_http_request_duration_seconds",
    "Time to answer a request, by method, route template and status",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
IN_FLIGHT = Gauge(
    "complaints_http_requests_in_flight", "Requests being handled now", multiprocess_mode="livesum"
)
SHED = Counter(
    "complaints_http_requests_shed_total", "Requests refused with 503 because too many were in flight"
)

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    operation_id="metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics() -> Response:
    """Prometheus metrics of this API process."""
    body, content_type = exposition()
    return Response(body, media_type=content_type)

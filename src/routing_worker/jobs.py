"""Jobs of the routing worker: route a received case; send a notification; relay the outbox."""

import logging
from typing import Any, cast

from arq import Retry

from complaints.db.errors import is_unavailable
from complaints.jobs import outbox
from complaints.jobs.queue import ROUTING_QUEUE
from complaints.jobs.unit_of_work import unit_of_work
from complaints.jobs.worker_context import WorkerContext, close_context, open_context
from complaints.notifications.dispatch import deliver
from complaints.notifications.senders import Senders, senders_from
from complaints.observability.jobs import instrumented, record_queue_depth
from complaints.routing.classifier import ReaderCache
from complaints.routing.receipts import ReceiptPolicy
from complaints.routing.route_case import route_case as route
from complaints.schemas.jobs import JobName, RouteCase, SendNotification
from routing_worker.metrics import OUTBOX_LAG, OUTBOX_PENDING, ROUTED

log = logging.getLogger(__name__)


class RoutingWorkerContext(WorkerContext):
    """The shared context plus the notification senders only this worker uses."""

    senders: Senders
    # The classifier, rebuilt when another model is installed.
    readers: ReaderCache


async def startup(ctx: dict[str, Any]) -> None:
    await open_context(ctx, ctx["settings"])
    ctx["senders"] = senders_from(ctx["settings"])
    ctx["readers"] = ReaderCache()


async def shutdown(ctx: dict[str, Any]) -> None:
    senders: Senders | None = ctx.get("senders")
    if senders is not None:
        await senders.close()
    await close_context(ctx)


@instrumented(JobName.ROUTE_CASE)
async def route_case(ctx: dict[str, Any], payload: dict[str, Any]) -> bool:
    context = cast(RoutingWorkerContext, ctx)
    job, outbox_id = RouteCase.received(payload)
    try:
        # The receipt it queues is sent on commit, not after the relay's delay.
        async with unit_of_work(context["sessions"], context["redis"]) as session:
            rulebook = await context["rulebooks"].get(session)
            routed = await route(
                session,
                reader=await context["readers"].get(session, rulebook=rulebook),
                case_id=job.case_id,
                outbox_id=outbox_id,
                rulebook=rulebook,
                now=context["clock"](),
                receipts=ReceiptPolicy.from_settings(context["settings"]),
            )
    except Exception as error:
        if not is_unavailable(error):
            raise
        # Postgres restarting or out of connections: soon again, not after the relay's backoff.
        log.warning("case %s: database unavailable, retrying: %s", job.case_id, type(error).__name__)
        raise Retry(defer=min(ctx.get("job_try", 1), 5)) from error
    if routed:
        ROUTED.inc()
    log.info("case %s %s", job.case_id, "routed" if routed else "was already routed")
    return routed


@instrumented(JobName.SEND_NOTIFICATION)
async def send_notification(ctx: dict[str, Any], payload: dict[str, Any]) -> str:
    """Deliver a receipt or update; a failed send is retried with backoff (Retry), never
    blocking anything else: intake and routing committed long ago."""
    context = cast(RoutingWorkerContext, ctx)
    job, outbox_id = SendNotification.received(payload)
    settings = context["settings"]
    delivery = await deliver(
        context["sessions"],
        notification_id=job.notification_id,
        outbox_id=outbox_id,
        senders=context["senders"],
        clock=context["clock"],
        max_attempts=settings.notifications.notification_max_attempts,
        retry_after=settings.outbox_retry_after_seconds,
    )
    if delivery.retry_in is not None:
        raise Retry(defer=delivery.retry_in)
    return delivery.state


@instrumented("relay_outbox")
async def relay_outbox(ctx: dict[str, Any]) -> int:
    context = cast(WorkerContext, ctx)
    now = context["clock"]()
    async with unit_of_work(context["sessions"], context["redis"]) as session:
        sent = await outbox.relay(
            session,
            context["redis"],
            now=now,
            retry_after=context["settings"].outbox_retry_after_seconds,
        )
        for waiting in await outbox.backlog(session, now=now):
            OUTBOX_PENDING.labels(waiting.job).set(waiting.pending)
            OUTBOX_LAG.labels(waiting.job).set(waiting.lag_seconds)
    await record_queue_depth(context["redis"], ROUTING_QUEUE)
    if sent:
        log.info("relayed %d outbox messages", sent)
    return sent

"""The deadline sweep job (runs every few seconds until no clock is due) and the breach
notices it queues."""

import logging
from typing import Any, cast

from complaints.deadlines.sweep import SweepResult, sweep_once
from complaints.jobs import outbox
from complaints.jobs.queue import SLA_QUEUE
from complaints.jobs.unit_of_work import unit_of_work
from complaints.jobs.worker_context import WorkerContext, close_context, open_context
from complaints.observability.jobs import instrumented, record_queue_depth
from complaints.schemas.jobs import BreachNotice, HoldingReply, ManagerNotice
from sla_worker.metrics import BREACHED, WARNED

log = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    await open_context(ctx, ctx["settings"])


async def shutdown(ctx: dict[str, Any]) -> None:
    await close_context(ctx)


@instrumented("sweep_deadlines")
async def sweep_deadlines(ctx: dict[str, Any]) -> int:
    """Claim batches until a batch comes back short, each batch its own transaction."""
    context = cast(WorkerContext, ctx)
    batch = context["settings"].sla_sweep_batch_size
    total = 0
    while True:
        async with unit_of_work(context["sessions"], context["redis"]) as session:
            rulebook = await context["rulebooks"].get(session)
            result: SweepResult = await sweep_once(
                session, now=context["clock"](), batch=batch, rulebook=rulebook
            )
        total += result.claimed
        WARNED.inc(result.warned)
        BREACHED.inc(result.breached)
        if result.warned or result.breached:
            log.info("sweep: %d warned, %d breached", result.warned, result.breached)
        if result.claimed < batch:
            await record_queue_depth(context["redis"], SLA_QUEUE)
            return total


async def notify_manager(ctx: dict[str, Any], payload: dict[str, Any]) -> bool:
    notice, outbox_id = ManagerNotice.received(payload)
    return await _deliver(cast(WorkerContext, ctx), notice, outbox_id=outbox_id, to=notice.to)


async def holding_reply(ctx: dict[str, Any], payload: dict[str, Any]) -> bool:
    notice, outbox_id = HoldingReply.received(payload)
    return await _deliver(cast(WorkerContext, ctx), notice, outbox_id=outbox_id, to=None)


async def _deliver(
    context: WorkerContext, notice: BreachNotice, *, outbox_id: int | None, to: str | None
) -> bool:
    """A breach notice (to the unit manager, or a holding reply to the complainant).

    No sender for these exists yet: the notice is logged and its outbox row finished, so the
    relay stops re-sending it. Idempotent: a repeated job finds the row finished.
    """
    if outbox_id is not None:
        async with unit_of_work(context["sessions"], context["redis"]) as session:
            await outbox.mark_processed(session, outbox_id=outbox_id, now=context["clock"]())
    log.info(
        "%s for case %s: %s deadline due %s breached (to %s; logged, no sender configured)",
        notice.name,
        notice.case_id,
        notice.deadline,
        notice.due_at,
        to or "the complainant",
    )
    return True

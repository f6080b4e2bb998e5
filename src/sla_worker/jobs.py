"""The deadline sweep job (runs every few seconds until no clock is due) and the breach
notices it queues."""

import logging
from typing import Any, cast

from complaints.db.engine import unit_of_work
from complaints.deadlines.sweep import SweepResult, sweep_once
from complaints.jobs import outbox
from complaints.jobs.queue import SLA_QUEUE
from complaints.jobs.worker_context import WorkerContext, close_context, open_context
from complaints.observability.jobs import instrumented, record_queue_depth
from complaints.schemas.jobs import BreachNotice, JobName
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
        async with unit_of_work(context["sessions"]) as session:
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
    return await _deliver(cast(WorkerContext, ctx), JobName.NOTIFY_MANAGER, payload)


async def holding_reply(ctx: dict[str, Any], payload: dict[str, Any]) -> bool:
    return await _deliver(cast(WorkerContext, ctx), JobName.HOLDING_REPLY, payload)


async def _deliver(context: WorkerContext, job: JobName, payload: dict[str, Any]) -> bool:
    """A breach notice (to the unit manager, or a holding reply to the complainant).

    No sender for these exists yet: the notice is logged and its outbox row finished, so the
    relay stops re-sending it. Idempotent: a repeated job finds the row finished.
    """
    notice = BreachNotice.model_validate(payload)
    async with unit_of_work(context["sessions"]) as session:
        await outbox.mark_processed(session, outbox_id=notice.outbox_id, now=context["clock"]())
    log.info(
        "%s for case %s: %s deadline due %s breached (to %s; logged, no sender configured)",
        job,
        notice.case_id,
        notice.deadline,
        notice.due_at,
        notice.to or "the complainant",
    )
    return True

"""The deadline sweep job: runs every few seconds until no clock is due."""

import logging
from typing import Any, cast

from complaints.db.engine import unit_of_work
from complaints.services.sla import SweepResult, sweep_once
from complaints.worker_context import WorkerContext, close_context, open_context, utcnow

log = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    await open_context(ctx, ctx["settings"])


async def shutdown(ctx: dict[str, Any]) -> None:
    await close_context(ctx)


async def sweep_deadlines(ctx: dict[str, Any]) -> int:
    """Claim batches until a batch comes back short, each batch its own transaction."""
    context = cast(WorkerContext, ctx)
    batch = context["settings"].sla_sweep_batch_size
    total = 0
    while True:
        async with unit_of_work(context["sessions"]) as session:
            rulebook = await context["rulebooks"].get(session)
            result: SweepResult = await sweep_once(session, now=utcnow(), batch=batch, rulebook=rulebook)
        total += result.claimed
        if result.warned or result.breached:
            log.info("sweep: %d warned, %d breached", result.warned, result.breached)
        if result.claimed < batch:
            return total

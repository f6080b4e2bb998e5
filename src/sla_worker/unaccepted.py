"""The unaccepted-case sweep: assigned cases nobody accepted climb the escalation ladder after
the configured waits (COMPLAINTS_UNACCEPTED_ESCALATION_MINUTES, default 15/30/60 minutes)."""

import logging
from typing import Any, cast

from complaints.escalation.ladder import sweep_unaccepted
from complaints.jobs.unit_of_work import unit_of_work
from complaints.jobs.worker_context import WorkerContext

log = logging.getLogger(__name__)


async def escalate_unaccepted(ctx: dict[str, Any]) -> int:
    """Claim batches until one comes back short, each batch its own transaction."""
    context = cast(WorkerContext, ctx)
    settings = context["settings"]
    batch = settings.sla_sweep_batch_size
    total = 0
    while True:
        async with unit_of_work(context["sessions"], context["redis"]) as session:
            rulebook = await context["rulebooks"].get(session)
            climbed = await sweep_unaccepted(
                session,
                now=context["clock"](),
                minutes=settings.unaccepted_escalation_minutes,
                rulebook=rulebook,
                batch=batch,
            )
        total += climbed
        if climbed:
            log.info("unaccepted sweep: %d cases escalated", climbed)
        if climbed < batch:
            return total

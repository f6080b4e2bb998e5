"""Jobs of the routing worker: route a received case; relay the outbox."""

import logging
from typing import Any, cast

from complaints import outbox
from complaints.db.engine import unit_of_work
from complaints.schemas.jobs import RouteCase
from complaints.services.routing import route_case as route
from complaints.worker_context import WorkerContext, close_context, open_context, utcnow

log = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    await open_context(ctx, ctx["settings"])


async def shutdown(ctx: dict[str, Any]) -> None:
    await close_context(ctx)


async def route_case(ctx: dict[str, Any], payload: dict[str, Any]) -> bool:
    context = cast(WorkerContext, ctx)
    job = RouteCase.model_validate(payload)
    async with unit_of_work(context["sessions"]) as session:
        rulebook = await context["rulebooks"].get(session)
        routed = await route(
            session, case_id=job.case_id, outbox_id=job.outbox_id, rulebook=rulebook, now=utcnow()
        )
    log.info("case %s %s", job.case_id, "routed" if routed else "was already routed")
    return routed


async def relay_outbox(ctx: dict[str, Any]) -> int:
    context = cast(WorkerContext, ctx)
    async with unit_of_work(context["sessions"]) as session:
        sent = await outbox.relay(
            session,
            context["redis"],
            now=utcnow(),
            retry_after=context["settings"].outbox_retry_after_seconds,
        )
    if sent:
        log.info("relayed %d outbox messages", sent)
    return sent

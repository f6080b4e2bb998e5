"""`POST /v1/complaints/{case_number}/{action}`: one transition of the state machine.

`perform` locks the case (SELECT ... FOR UPDATE: concurrent actions on one case take turns),
names the actor, asks `domain.lifecycle` where the action leads (an illegal one raises
IllegalTransition with the actions allowed now), lets the action's function do its part and
writes the append-only event: who, when, from and to which status, why, and what changed
(`data.before` / `data.after`, clocks and classification included). Rules the action fired (an escalation, the
other side of a merge) follow as their own events.
"""

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import events
from complaints.db.models import Case
from complaints.deadlines import clocks
from complaints.domain.lifecycle import Action, next_status
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import Status
from complaints.handling import reclassification, resolution
from complaints.handling import steps as handling
from complaints.handling.acting import Acting, Step, resolve_actor
from complaints.handling.case_reads import find_case
from complaints.schemas.actions import ActionBody, CallbackBody, MergeBody
from complaints.security.api_keys import Principal

Handler = Callable[[Acting, Any], Awaitable[Step]]

HANDLERS: Final[Mapping[Action, Handler]] = {
    Action.ACCEPT: handling.accept,
    Action.NOTES: handling.notes,
    Action.CONTACT: handling.contact,
    Action.TRANSFER: handling.transfer,
    Action.RECLASSIFY: reclassification.reclassify,
    Action.RETURN: handling.return_for_rework,
    Action.ESCALATE: handling.escalate,
    Action.EXTEND: resolution.extend,
    Action.PAUSE: handling.pause,
    Action.RESUME: handling.resume,
    Action.RESOLVE: resolution.resolve,
    Action.CALLBACK: resolution.callback,
    Action.REOPEN: resolution.reopen,
    Action.WITHDRAW: resolution.withdraw,
    Action.REFUSE: resolution.refuse,
    Action.MERGE: resolution.merge,
    Action.CLOSE: resolution.close,
}

# What the event's before/after compares: the case's handling fields (as the API names them).
TRACKED: Final[Mapping[str, str]] = {
    "status": "status",
    "business_type": "business_type",
    "cause": "cause",
    "flags": "flags",
    "severity": "severity",
    "unit": "unit_code",
    "assignee": "assignee_staff_id",
    "escalation_level": "escalation_level",
    "accepted_by": "accepted_by",
    "transfer_count": "transfer_count",
    "return_count": "return_count",
    "paused_until": "paused_until",
    "regulatory_days": "regulatory_days",
    "outcome": "outcome",
    "verdict": "verdict",
    "amount": "outcome_amount",
    "satisfaction": "satisfaction",
    "refusal_ground": "refusal_ground",
    "merged_into": "merged_into",
}


async def perform(
    session: AsyncSession,
    *,
    case_number: str,
    action: Action,
    body: ActionBody,
    principal: Principal,
    rulebook: Rulebook,
    now: datetime,
) -> Case:
    if isinstance(body, MergeBody):
        # Both cases are locked, always in id order, so two opposite merges cannot deadlock.
        await _lock_in_id_order(session, numbers=[case_number, body.into])
    case = await find_case(session, case_number=case_number, principal=principal, for_update=True)
    actor = resolve_actor(staff_id=body.actor, principal=principal, rulebook=rulebook, case=case)
    satisfaction = body.satisfaction if isinstance(body, CallbackBody) else None
    from_status = Status(case.status)
    to_status = next_status(from_status, action, satisfaction=satisfaction)
    before = await _snapshot(session, case)
    case.status = to_status
    case.updated_at = now
    acting = Acting(session, case, actor, rulebook, now, principal, from_status)
    step = await HANDLERS[action](acting, body)
    after = await _snapshot(session, case)
    changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    session.add(
        events.new(
            step.kind,
            case,
            at=now,
            actor=actor.name,
            from_status=from_status,
            # Where the action left the case: a reclassification that re-routes moves it as a
            # transfer does, although by itself it keeps the status.
            to_status=case.status,
            reason=step.reason if step.reason is not None else body.reason,
            data={**step.data, "before": _nest(before, changed), "after": _nest(after, changed)},
        )
    )
    await session.flush()  # the action's event comes before the events of the rules it fired
    session.add_all(step.followups)
    await session.flush()
    return case


async def _lock_in_id_order(session: AsyncSession, *, numbers: list[str]) -> None:
    await session.execute(
        select(Case.id).where(Case.case_number.in_(numbers)).order_by(Case.id).with_for_update()
    )


async def _snapshot(session: AsyncSession, case: Case) -> dict[str, object]:
    snapshot = {name: _plain(getattr(case, attribute)) for name, attribute in TRACKED.items()}
    for kind, deadline in (await clocks.clocks_of(session, case=case)).items():
        snapshot[f"deadlines.{kind}"] = {"state": deadline.state, "due_at": deadline.due_at.isoformat()}
    return snapshot


def _nest(snapshot: dict[str, object], keys: list[str]) -> dict[str, object]:
    """The changed fields; clocks grouped under `deadlines` by kind."""
    nested: dict[str, object] = {}
    clocks_changed: dict[str, object] = {}
    for key in keys:
        if key.startswith("deadlines."):
            clocks_changed[key.removeprefix("deadlines.")] = snapshot.get(key)
        else:
            nested[key] = snapshot.get(key)
    if clocks_changed:
        nested["deadlines"] = clocks_changed
    return nested


def _plain(value: object) -> object:
    """JSON for the event's data: times as RFC 3339, amounts as strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return list(value)  # a copy: the snapshot before must not follow the case
    return value

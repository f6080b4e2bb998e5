"""Helpers for the case-handling tests: a routed case, an action, its events and clocks."""

import itertools
from typing import Any

import httpx
from sqlalchemy import update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case
from complaints.settings import Settings
from tests.factories import complaint, run_routing_worker

_callers = itertools.count(1)


async def routed(client: httpx.AsyncClient, settings: Settings, **fields: Any) -> str:
    """A credit-card complaint (HQ-CARD, assigned to CC001) unless `fields` say otherwise.

    Each from a different complainant and call, so that repeat and retry detection leave the
    cases apart.
    """
    caller = next(_callers)
    fields.setdefault("complainant", {"name": f"客户{caller}", "phone": f"139{caller:08d}"})
    fields.setdefault("external_ref", f"CALL-H{caller:06d}")
    response = await client.post("/v1/complaints", json=complaint(**fields))
    assert response.status_code == 201, response.text
    number: str = response.json()["case_number"]
    await run_routing_worker(settings)
    return number


async def act(client: httpx.AsyncClient, number: str, action: str, **body: Any) -> httpx.Response:
    return await client.post(f"/v1/complaints/{number}/{action}", json=body)


async def ok(client: httpx.AsyncClient, number: str, action: str, **body: Any) -> dict[str, Any]:
    response = await act(client, number, action, **body)
    assert response.status_code == 200, response.text
    case: dict[str, Any] = response.json()
    return case


async def events(client: httpx.AsyncClient, number: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get(f"/v1/complaints/{number}/events")).json()["items"]
    return items


async def last_event(client: httpx.AsyncClient, number: str, kind: str | None = None) -> dict[str, Any]:
    trail = await events(client, number)
    return next(e for e in reversed(trail) if kind is None or e["kind"] == kind)


def clocks(case: dict[str, Any]) -> dict[str, str]:
    """deadline kind → state."""
    return {d["kind"]: d["state"] for d in case["deadlines"]}


def due(case: dict[str, Any], kind: str) -> str:
    return next(str(d["due_at"]) for d in case["deadlines"] if d["kind"] == kind)


async def accepted(client: httpx.AsyncClient, settings: Settings, **fields: Any) -> str:
    number = await routed(client, settings, **fields)
    await ok(client, number, "accept", actor="CC001")
    return number


async def resolved(client: httpx.AsyncClient, settings: Settings, **fields: Any) -> str:
    number = await accepted(client, settings, **fields)
    await ok(client, number, "contact", actor="CC001", summary="已联系客户")
    await ok(
        client,
        number,
        "resolve",
        actor="CC001",
        outcome="explanation",
        verdict="communication",
        reply="已解释",
    )
    return number


async def needing_triage(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, **fields: Any
) -> str:
    """A case as routing leaves one its classifier could not place: in the default unit HQ-CP,
    held by its triage role (CP020), flagged needs_triage, unclassified.

    Set in the database until the classifier routes such cases itself."""
    number = await routed(client, settings, **fields)
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Case)
            .where(Case.case_number == number)
            .values(
                unit_code="HQ-CP",
                assignee_staff_id="CP020",
                business_type=None,
                cause=None,
                flags=["needs_triage"],
                routing_rule="default",
            )
        )
    return number

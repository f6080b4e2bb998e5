"""Helpers for the case-handling tests: a routed case, an action, its events and clocks."""

import itertools
from typing import Any

import httpx

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

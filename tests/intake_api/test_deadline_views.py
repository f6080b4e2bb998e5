"""Every clock of a case with its state and remaining time; due-before and about-to-breach lists."""

from datetime import timedelta

import httpx

from complaints.settings import Settings
from tests.clock import CLOCK
from tests.factories import complaint, run_routing_worker


async def received(client: httpx.AsyncClient, *, hours_ago: float, ref: str) -> str:
    moment = (CLOCK() - timedelta(hours=hours_ago)).isoformat()
    response = await client.post("/v1/complaints", json=complaint(received_at=moment, external_ref=ref))
    assert response.status_code == 201
    number: str = response.json()["case_number"]
    return number


async def numbers(client: httpx.AsyncClient, **params: str) -> set[str]:
    response = await client.get("/v1/complaints", params=params)
    assert response.status_code == 200, response.text
    return {item["case_number"] for item in response.json()["items"]}


async def test_a_case_shows_each_clock_with_unit_state_and_remaining_time(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await received(client, hours_ago=20, ref="A")
    await run_routing_worker(settings)

    clocks = {d["kind"]: d for d in (await client.get(f"/v1/complaints/{number}")).json()["deadlines"]}

    assert set(clocks) == {"first_response", "resolution", "regulatory"}
    first = clocks["first_response"]
    assert (first["unit"], first["state"], first["period"]) == ("hours", "running", "24 hours")
    assert 4 * 3600 - 120 <= first["remaining_seconds"] <= 4 * 3600
    assert (first["warnings_sent"], first["paused_at"], first["met_at"]) == (0, None, None)
    assert clocks["resolution"]["unit"] == "working_days"
    assert clocks["regulatory"]["unit"] == "days"
    assert clocks["regulatory"]["remaining_seconds"] > 14 * 86_400


async def test_due_before_and_about_to_breach(client: httpx.AsyncClient, settings: Settings) -> None:
    close = await received(client, hours_ago=20, ref="close")  # 83 % of 24 h: past the 80 % warning
    fresh = await received(client, hours_ago=1, ref="fresh")
    late = await received(client, hours_ago=30, ref="late")  # first response overdue
    await run_routing_worker(settings)
    in_five_hours = (CLOCK() + timedelta(hours=5)).isoformat()

    assert await numbers(client, due_before=in_five_hours) == {close, late}
    assert await numbers(client, about_to_breach="true") == {close}
    assert await numbers(client, about_to_breach="false") == {fresh, late}
    assert await numbers(client, due_before=in_five_hours, about_to_breach="true") == {close}
    assert await numbers(client, overdue="true") == {late}


async def test_due_before_needs_an_offset(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/complaints", params={"due_before": "2026-11-23T10:00:00"})
    assert response.status_code == 422

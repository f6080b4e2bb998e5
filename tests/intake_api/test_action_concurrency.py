"""Concurrent actions on one case take turns (the case row is locked): no lost update."""

import asyncio

import httpx

from complaints.settings import Settings
from tests.intake_api.handling import act, events, routed


async def test_of_five_simultaneous_accepts_exactly_one_wins(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)

    responses = await asyncio.gather(
        *(act(client, number, "accept", actor=a) for a in ["CC001", "CC002"] * 3)
    )

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409, 409, 409, 409]
    for lost in (r for r in responses if r.status_code == 409):
        assert "accept" not in lost.json()["allowed"]
    assert [e["kind"] for e in await events(client, number)].count("accepted") == 1


async def test_simultaneous_transfers_each_count_once_and_supervision_fires_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)
    units = ["HQ-OPS", "HQ-LOAN", "HQ-WM", "HQ-EBANK", "BR-002"]

    responses = await asyncio.gather(*(act(client, number, "transfer", unit=u, reason="转办") for u in units))

    assert [r.status_code for r in responses] == [200] * len(units)
    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert case["handling"]["transfer_count"] == len(units)
    trail = await events(client, number)
    transfers = [e for e in trail if e["kind"] == "transferred"]
    # Each transfer saw the one before it: the counts run 0→1, 1→2, … with none lost.
    assert [
        (e["data"]["before"]["transfer_count"], e["data"]["after"]["transfer_count"]) for e in transfers
    ] == [(n, n + 1) for n in range(len(units))]
    # … and each started from the unit the previous one left the case in.
    assert [e["data"]["before"]["unit"] for e in transfers[1:]] == [
        e["data"]["after"]["unit"] for e in transfers[:-1]
    ]
    assert case["unit"] == transfers[-1]["data"]["after"]["unit"]
    supervision = [e for e in trail if e["kind"] == "escalated"]
    assert [e["data"]["rule"] for e in supervision] == ["supervision"]


async def test_simultaneous_notes_are_all_kept(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await routed(client, settings)

    responses = await asyncio.gather(*(act(client, number, "notes", text=f"备注 {i}") for i in range(8)))

    assert {r.status_code for r in responses} == {200}
    notes = [e["data"]["text"] for e in await events(client, number) if e["kind"] == "noted"]
    assert sorted(notes) == sorted(f"备注 {i}" for i in range(8))


async def test_opposite_merges_at_once_do_not_deadlock(client: httpx.AsyncClient, settings: Settings) -> None:
    first = await routed(client, settings)
    second = await routed(client, settings, external_ref="CALL-0002")

    one, other = await asyncio.gather(
        act(client, first, "merge", into=second), act(client, second, "merge", into=first)
    )

    assert sorted([one.status_code, other.status_code]) == [200, 422]  # the loser's target is merged
    statuses = {(await client.get(f"/v1/complaints/{n}")).json()["status"] for n in (first, second)}
    assert statuses == {"merged", "assigned"}

"""Supervisors' bulk views: list filters for unaccepted cases, by handler and by rung, and the
counts per status."""

from datetime import timedelta

import httpx
import pytest

from complaints.db.engine import SessionFactory
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.clock import CLOCK
from tests.factories import auth, make_key
from tests.intake_api.handling import ok, resolved, routed


async def numbers(client: httpx.AsyncClient, **params: object) -> set[str]:
    response = await client.get("/v1/complaints", params=params)
    assert response.status_code == 200, response.text
    return {item["case_number"] for item in response.json()["items"]}


@pytest.fixture
async def desk(client: httpx.AsyncClient, settings: Settings) -> dict[str, str]:
    """Four cases: waiting at the card centre, accepted there, escalated at ops, resolved."""
    waiting = await routed(client, settings)
    taken = await routed(client, settings, external_ref="CALL-2")
    await ok(client, taken, "accept", actor="CC002")
    escalated = await routed(
        client, settings, content="ATM吞卡，取款机故障", demand=None, external_ref="CALL-3"
    )
    await ok(client, escalated, "escalate", reason="客户投诉多次", level="consumer_protection_head")
    done = await resolved(client, settings, external_ref="CALL-4")
    return {"waiting": waiting, "taken": taken, "escalated": escalated, "done": done}


async def test_unaccepted_lists_the_cases_no_unit_has_taken(
    client: httpx.AsyncClient, desk: dict[str, str]
) -> None:
    assert await numbers(client, unaccepted=True) == {desk["waiting"], desk["escalated"]}
    assert await numbers(client, unaccepted=False) == {desk["taken"], desk["done"]}


async def test_by_assignee_and_unit(client: httpx.AsyncClient, desk: dict[str, str]) -> None:
    assert await numbers(client, assignee="CC002") == {desk["taken"]}
    assert await numbers(client, assignee="CC001") == {desk["waiting"], desk["done"]}
    assert await numbers(client, unit="HQ-OPS") == {desk["escalated"]}
    assert await numbers(client, unit="HQ-CARD", unaccepted=True) == {desk["waiting"]}


async def test_by_rung_of_the_ladder(client: httpx.AsyncClient, desk: dict[str, str]) -> None:
    assert await numbers(client, escalation_level="consumer_protection_head") == {desk["escalated"]}


async def test_counts_per_status(client: httpx.AsyncClient, desk: dict[str, str]) -> None:
    counts = (await client.get("/v1/complaints/counts")).json()

    assert counts["total"] == 4
    assert {k: v for k, v in counts["by_status"].items() if v} == {
        "assigned": 2,
        "accepted": 1,
        "resolved": 1,
    }
    assert set(counts["by_status"]) == {
        "received",
        "registered",
        "assigned",
        "accepted",
        "in_progress",
        "paused",
        "resolved",
        "closed",
        "withdrawn",
        "refused",
        "merged",
    }
    assert (counts["unaccepted"], counts["overdue"], counts["about_to_breach"]) == (2, 0, 0)
    card = (await client.get("/v1/complaints/counts", params={"unit": "HQ-CARD"})).json()
    assert card["total"] == 3
    assert (await client.get("/v1/complaints/counts", params={"assignee": "CC002"})).json()["total"] == 1


async def test_counts_see_overdue_and_about_to_breach_cases(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    late = (CLOCK() - timedelta(hours=30)).isoformat()
    close = (CLOCK() - timedelta(hours=21)).isoformat()  # 24 h first response, 80 % passed
    await routed(client, settings, received_at=late)
    await routed(client, settings, received_at=close, external_ref="CALL-2")

    counts = (await client.get("/v1/complaints/counts")).json()

    assert (counts["overdue"], counts["about_to_breach"]) == (1, 1)


async def test_a_branch_counts_only_its_own_cases(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, desk: dict[str, str]
) -> None:
    await routed(
        client, settings, content="柜员态度很差", demand="道歉", branch_code="BR-001", external_ref="CALL-9"
    )
    branch = await make_key(sessions, scopes={Permission.READ}, unit="BR-001")

    counts = (await client.get("/v1/complaints/counts", headers=auth(branch))).json()

    assert counts["total"] == 1


async def test_counts_need_the_read_scope(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    handler_only = await make_key(sessions, scopes={Permission.HANDLE})

    assert_problem(await client.get("/v1/complaints/counts", headers=auth(handler_only)), 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"unaccepted": "perhaps"}, "unaccepted"),
        ({"escalation_level": "boss"}, "escalation_level"),
        ({"assignee": "x" * 33}, "assignee"),
    ],
)
async def test_bad_supervisor_filters_are_a_422(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    assert_problem(await client.get("/v1/complaints", params=params), 422, field=field)
    if field != "unaccepted":
        assert_problem(await client.get("/v1/complaints/counts", params=params), 422, field=field)

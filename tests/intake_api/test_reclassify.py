"""Cases the classifier could not place (needs_triage), the list filter that finds them, and the
`reclassify` action that corrects a case and re-routes it (real API, real routing worker)."""

from typing import Any

import httpx
import pytest

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.intake_api.handling import accepted, act, events, needing_triage, ok, resolved, routed

CARD_FEE = {"business_type": "bank_cards", "cause": "fees", "card": "credit", "reason": "信用卡年费争议"}


def numbers(page: httpx.Response) -> list[str]:
    assert page.status_code == 200, page.text
    return [item["case_number"] for item in page.json()["items"]]


async def test_the_list_and_the_counts_filter_the_cases_waiting_for_triage(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    waiting = await needing_triage(client, settings, sessions)
    placed = await routed(client, settings)

    assert numbers(await client.get("/v1/complaints", params={"needs_triage": "true"})) == [waiting]
    assert numbers(await client.get("/v1/complaints", params={"needs_triage": "false"})) == [placed]
    counts = (await client.get("/v1/complaints/counts", params={"needs_triage": "true"})).json()
    assert counts["total"] == 1
    assert_problem(
        await client.get("/v1/complaints", params={"needs_triage": "maybe"}), 422, field="needs_triage"
    )


async def test_reclassifying_a_triage_case_routes_it_for_the_first_time(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await needing_triage(client, settings, sessions)
    before = (await client.get(f"/v1/complaints/{number}")).json()

    case = await ok(client, number, "reclassify", actor="CP020", flags=["repeat"], **CARD_FEE)

    assert (case["business_type"], case["cause"], case["flags"]) == ("bank_cards", "fees", ["repeat"])
    assert (case["unit"], case["assignee"], case["status"]) == ("HQ-CARD", "CC001", "assigned")
    assert case["severity"] == "important"  # the repeat floor: severity only rises
    assert case["routing"]["rule"] == "credit-cards"
    assert case["handling"]["first_receiver"] == before["handling"]["first_receiver"]
    assert case["handling"]["transfer_count"] == 0  # sorting a triage case is no transfer
    reclassified, moved = (await events(client, number))[-2:]
    assert (reclassified["kind"], reclassified["actor"], reclassified["reason"]) == (
        "reclassified",
        "CP020",
        "信用卡年费争议",
    )
    assert reclassified["data"]["labels"] == {
        "business_type": "bank_cards",
        "cause": "fees",
        "card": "credit",
        "flags": ["repeat"],
    }
    assert reclassified["data"]["before"]["flags"] == ["needs_triage"]
    assert reclassified["data"]["after"]["flags"] == ["repeat"]
    assert (reclassified["data"]["before"]["unit"], reclassified["data"]["after"]["unit"]) == (
        "HQ-CP",
        "HQ-CARD",
    )
    assert (moved["kind"], moved["from_status"], moved["to_status"]) == (
        "transferred",
        "assigned",
        "assigned",
    )
    assert moved["data"]["unit"] == "HQ-CARD"
    assert moved["data"]["reclassified"] is True
    assert moved["data"]["counts_as_transfer"] is False
    assert number not in numbers(await client.get("/v1/complaints", params={"needs_triage": "true"}))


async def test_a_triage_case_that_stays_in_the_default_unit_goes_from_triage_to_its_handler(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await needing_triage(client, settings, sessions)

    case = await ok(
        client, number, "reclassify", business_type="deposits", cause="service", reason="存款服务"
    )

    assert (case["unit"], case["assignee"], case["flags"]) == ("HQ-CP", "CP001", [])
    assert [e["kind"] for e in await events(client, number)][-1] == "reclassified"


async def test_a_correction_that_keeps_the_unit_moves_nothing(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)  # HQ-CARD, accepted by CC001

    case = await ok(client, number, "reclassify", actor="CC001", **{**CARD_FEE, "cause": "contract_terms"})

    assert (case["unit"], case["assignee"], case["status"]) == ("HQ-CARD", "CC001", "accepted")
    assert case["handling"]["accepted_by"] == "CC001"
    assert case["handling"]["transfer_count"] == 0
    last = (await events(client, number))[-1]
    assert (last["kind"], last["from_status"], last["to_status"]) == ("reclassified", "accepted", "accepted")
    assert last["data"]["before"] == {"cause": "fees"}
    assert last["data"]["after"] == {"cause": "contract_terms"}


async def test_a_correction_to_another_unit_moves_the_case_as_a_transfer(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)  # HQ-CARD, accepted by CC001

    case = await ok(client, number, "reclassify", business_type="loans", cause="fees", reason="实为房贷利息")

    assert (case["unit"], case["assignee"], case["status"]) == ("HQ-LOAN", "LN001", "assigned")
    assert case["handling"]["accepted_by"] is None  # the new unit must accept it
    assert case["handling"]["first_receiver"] == "bootstrap"
    assert case["handling"]["transfer_count"] == 1
    reclassified, moved = (await events(client, number))[-2:]
    assert (reclassified["kind"], reclassified["from_status"], reclassified["to_status"]) == (
        "reclassified",
        "accepted",
        "assigned",
    )
    assert (moved["kind"], moved["from_status"], moved["to_status"]) == (
        "transferred",
        "accepted",
        "assigned",
    )
    assert moved["data"]["counts_as_transfer"] is True
    assert "rule loans" in moved["reason"]


async def test_the_person_complained_about_is_not_picked_in_the_new_unit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings, staff_id="LN001")

    case = await ok(client, number, "reclassify", business_type="loans", cause="fees", reason="贷款")

    assert (case["unit"], case["assignee"]) == ("HQ-LOAN", "LN002")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"business_type": "mortgages"}, "business_type"),
        ({"business_type": None}, "business_type"),
        ({"cause": None}, "cause"),
        ({"business_type": "loans", "card": "credit"}, "card"),
        ({"card": "gold"}, "card"),
        ({"flags": ["needs_triage"]}, "flags"),
        ({"flags": ["urgent"]}, "flags.0"),
        ({"reason": " "}, "reason"),
    ],
    ids=[
        "unknown-type",
        "no-type",
        "no-cause",
        "card-not-a-card-case",
        "unknown-card",
        "triage",
        "bad-flag",
        "blank",
    ],
)
async def test_a_bad_reclassification_is_a_422_naming_the_field(
    client: httpx.AsyncClient, settings: Settings, changes: dict[str, Any], field: str
) -> None:
    number = await accepted(client, settings)
    body = {k: v for k, v in {**CARD_FEE, **changes}.items() if v is not None}

    assert_problem(await act(client, number, "reclassify", **body), 422, field=field)
    assert (await events(client, number))[-1]["kind"] == "accepted"


async def test_a_resolved_case_is_not_reclassified(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await resolved(client, settings)
    before = await events(client, number)

    problem = assert_problem(await act(client, number, "reclassify", **CARD_FEE), 409)

    assert "reclassify" not in problem["allowed"]
    assert await events(client, number) == before

"""Cases the classifier could not place (needs_triage), the list filter that finds them, and the
`reclassify` action that corrects a case and re-routes it (real API, real routing worker)."""

import httpx

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.intake_api.handling import needing_triage, routed


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

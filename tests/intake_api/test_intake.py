import re

import httpx

from complaints.db.engine import SessionFactory
from complaints.db.models import Case, CaseEvent, OutboxMessage
from tests.assertions import count
from tests.factories import complaint

CASE_NUMBER = re.compile(r"^TS\d{8}\d{6}$")


async def test_posting_a_complaint_opens_a_case_with_its_first_event_and_job(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await client.post("/v1/complaints", json=complaint())

    assert response.status_code == 201, response.text
    body = response.json()
    assert CASE_NUMBER.match(body["case_number"])
    assert body["status"] == "received"
    assert body["channel"] == "hotline"
    assert response.headers["location"] == f"/v1/complaints/{body['case_number']}"
    assert await count(sessions, Case) == 1
    assert await count(sessions, CaseEvent) == 1
    assert await count(sessions, OutboxMessage) == 1


async def test_the_case_reads_back_with_its_events(client: httpx.AsyncClient) -> None:
    number = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]

    case = (await client.get(f"/v1/complaints/{number}")).json()
    events = (await client.get(f"/v1/complaints/{number}/events")).json()["items"]

    assert case["content"] == "信用卡年费未经同意被扣收"
    assert case["complainant"]["phone"] == "13812345678"  # the bootstrap key has pii:read
    assert [e["kind"] for e in events] == ["received"]
    assert events[0]["to_status"] == "received"


async def test_case_numbers_are_unique_and_carry_the_acceptance_date(client: httpx.AsyncClient) -> None:
    numbers = [
        (await client.post("/v1/complaints", json=complaint(external_ref=f"CALL-{i}"))).json()["case_number"]
        for i in range(5)
    ]
    assert len(set(numbers)) == 5


async def test_an_unknown_case_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/complaints/TS20260101999999")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404

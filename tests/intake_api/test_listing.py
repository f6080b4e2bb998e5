"""GET /v1/complaints: filters, cursor pagination, what a branch's key may see, masked personal data."""

import uuid
from datetime import UTC, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, Deadline
from complaints.schemas.keys import Permission
from tests.clock import CLOCK
from tests.factories import at, auth, complaint, make_key

PROBLEM_JSON = "application/problem+json"


async def open_case(client: httpx.AsyncClient, *, key: str | None = None, **overrides: Any) -> str:
    # A call id of its own: the same call id from the same key returns the case already filed.
    overrides.setdefault("external_ref", f"CALL-{uuid.uuid4().hex[:12]}")
    response = await client.post(
        "/v1/complaints", json=complaint(**overrides), headers=auth(key) if key else None
    )
    assert response.status_code == 201, response.text
    number: str = response.json()["case_number"]
    return number


async def set_case(sessions: SessionFactory, number: str, **values: Any) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(update(Case).where(Case.case_number == number).values(**values))


async def listed(client: httpx.AsyncClient, *, key: str | None = None, **params: str) -> list[str]:
    response = await client.get("/v1/complaints", params=params, headers=auth(key) if key else None)
    assert response.status_code == 200, response.text
    return [item["case_number"] for item in response.json()["items"]]


def assert_not_found(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == 404
    assert body["title"]
    assert body["detail"]
    return body


# -- filters -------------------------------------------------------------------------------


async def test_filter_by_status(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    first, second, third = [await open_case(client, external_ref=f"CALL-{i}") for i in range(3)]
    await set_case(sessions, second, status="accepted")

    assert await listed(client, status="accepted") == [second]
    assert await listed(client, status="received") == [third, first]
    assert await listed(client, status="closed") == []


async def test_filter_by_channel(client: httpx.AsyncClient) -> None:
    hotline = await open_case(client, channel="hotline")
    letter = await open_case(client, channel="letter")
    web = await open_case(client, channel="web")

    assert await listed(client, channel="letter") == [letter]
    assert await listed(client, channel="web") == [web]
    assert await listed(client, channel="hotline") == [hotline]
    assert await listed(client, channel="fax") == []


async def test_filter_by_severity(client: httpx.AsyncClient) -> None:
    major = await open_case(client, severity="major")
    general = await open_case(client, severity="general")
    unstated = await open_case(client)  # general until routing decides

    assert await listed(client, severity="major") == [major]
    assert await listed(client, severity="general") == [unstated, general]
    assert await listed(client, severity="urgent") == []


async def test_filters_combine(client: httpx.AsyncClient) -> None:
    await open_case(client, channel="letter", severity="general")
    await open_case(client, channel="hotline", severity="major")
    wanted = await open_case(client, channel="letter", severity="major")

    assert await listed(client, channel="letter", severity="major") == [wanted]


async def test_filter_by_received_from_inclusive_and_received_to_exclusive(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    days = [CLOCK.today - timedelta(days=n) for n in (3, 2, 1)]
    numbers = [await open_case(client, external_ref=f"CALL-{day}") for day in days]
    for number, day in zip(numbers, days, strict=True):
        await set_case(sessions, number, received_at=at(day, 10))
    oldest, middle, newest = numbers

    assert await listed(client, received_from=at(days[1], 10).isoformat()) == [newest, middle]
    assert await listed(client, received_to=at(days[1], 10).isoformat()) == [oldest]
    # The same instants written in UTC select the same cases.
    assert await listed(
        client,
        received_from=at(days[0], 12).astimezone(UTC).isoformat(),
        received_to=at(days[2], 10).astimezone(UTC).isoformat(),
    ) == [middle]


async def test_filter_by_text(client: httpx.AsyncClient) -> None:
    fee = await open_case(client, content="信用卡年费未经同意被扣收")
    atm = await open_case(client, content="ATM 吞卡，柜台让等三天")
    percent = await open_case(client, content="承诺 100% 退款却没有退")

    assert await listed(client, q="年费") == [fee]
    assert await listed(client, q="atm") == [atm]  # case does not matter
    # LIKE wildcards in q are literal characters, not patterns.
    assert await listed(client, q="%") == [percent]
    assert await listed(client, q="_") == []
    # A case number finds its case.
    assert await listed(client, q=fee) == [fee]


async def test_filter_by_unit(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    mine = await open_case(client)
    await open_case(client)
    await set_case(sessions, mine, unit_code="BR-001")

    assert await listed(client, unit="BR-001") == [mine]
    assert await listed(client, unit="BR-003") == []


async def test_filter_by_overdue(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    late, on_time, unclocked = [await open_case(client, external_ref=f"CALL-{i}") for i in range(3)]
    now = CLOCK()
    async with unit_of_work(sessions) as session:
        ids = {
            number: await session.scalar(select(Case.id).where(Case.case_number == number))
            for number in (late, on_time)
        }
        session.add_all(
            [
                Deadline(
                    case_id=ids[late],
                    kind="first_response",
                    state="breached",
                    started_at=now - timedelta(days=2),
                    due_at=now - timedelta(days=1),
                    period="24 hours",
                    breached_at=now - timedelta(days=1),
                ),
                Deadline(
                    case_id=ids[on_time],
                    kind="first_response",
                    state="running",
                    started_at=now,
                    due_at=now + timedelta(days=1),
                    period="24 hours",
                ),
            ]
        )

    assert await listed(client, overdue="true") == [late]
    assert await listed(client, overdue="false") == [unclocked, on_time]


# -- pagination -----------------------------------------------------------------------------


async def page_through(client: httpx.AsyncClient, **params: str) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/v1/complaints", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["case_number"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 10, "the cursor never ends"


async def test_cursor_pagination_walks_every_case_once_newest_first(client: httpx.AsyncClient) -> None:
    numbers = [await open_case(client, external_ref=f"CALL-{i}") for i in range(7)]

    pages = await page_through(client, limit="3")

    assert [len(page) for page in pages] == [3, 3, 1]
    flat = [number for page in pages for number in page]
    assert len(set(flat)) == 7
    assert flat == list(reversed(numbers))


async def test_the_last_full_page_has_no_cursor(client: httpx.AsyncClient) -> None:
    for i in range(6):
        await open_case(client, external_ref=f"CALL-{i}")

    assert [len(page) for page in await page_through(client, limit="3")] == [3, 3]


async def test_pagination_keeps_the_filters(client: httpx.AsyncClient) -> None:
    letters = [
        await open_case(client, channel=channel, external_ref=f"CALL-{i}")
        for i, channel in enumerate(["letter", "hotline"] * 3)
    ][::2]

    pages = await page_through(client, channel="letter", limit="2")

    assert pages == [[letters[2], letters[1]], [letters[0]]]


async def test_pages_stay_stable_while_cases_arrive(client: httpx.AsyncClient) -> None:
    numbers = [await open_case(client, external_ref=f"CALL-{i}") for i in range(4)]
    first = (await client.get("/v1/complaints", params={"limit": "2"})).json()

    await open_case(client, external_ref="CALL-late")
    second = (
        await client.get("/v1/complaints", params={"limit": "2", "cursor": first["next_cursor"]})
    ).json()

    assert [item["case_number"] for item in first["items"]] == [numbers[3], numbers[2]]
    assert [item["case_number"] for item in second["items"]] == [numbers[1], numbers[0]]
    assert second["next_cursor"] is None


# -- a branch's key ---------------------------------------------------------------------------


async def test_a_branch_key_sees_only_its_own_and_its_assigned_cases(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    branch = await make_key(sessions, scopes={Permission.READ, Permission.INTAKE}, unit="BR-002")
    neighbour = await make_key(sessions, scopes={Permission.READ, Permission.INTAKE}, unit="BR-001")
    submitted = await open_case(client, key=branch, external_ref="BR2-CALL")
    assigned = await open_case(client, external_ref="HQ-1")
    elsewhere = await open_case(client, external_ref="HQ-2")
    unrouted = await open_case(client, external_ref="HQ-3")
    neighbours = await open_case(client, key=neighbour, external_ref="BR1-CALL")
    await set_case(sessions, assigned, unit_code="BR-002")
    await set_case(sessions, elsewhere, unit_code="BR-001")

    assert await listed(client, key=branch) == [assigned, submitted]
    assert await listed(client, key=branch, unit="BR-001") == []
    assert await listed(client, key=branch, q=elsewhere) == []
    assert await listed(client, key=branch, channel="hotline", limit="1") == [assigned]
    # The head office's key sees all of them.
    assert set(await listed(client)) == {submitted, assigned, elsewhere, unrouted, neighbours}

    for number in (submitted, assigned):
        assert (await client.get(f"/v1/complaints/{number}", headers=auth(branch))).status_code == 200
        events = await client.get(f"/v1/complaints/{number}/events", headers=auth(branch))
        assert events.status_code == 200, events.text

    missing = assert_not_found(await client.get("/v1/complaints/TS20260101999999", headers=auth(branch)))
    for number in (elsewhere, unrouted, neighbours):
        hidden = assert_not_found(await client.get(f"/v1/complaints/{number}", headers=auth(branch)))
        # Answered exactly like a case that does not exist.
        assert hidden == {**missing, "detail": missing["detail"].replace("TS20260101999999", number)}
        assert_not_found(await client.get(f"/v1/complaints/{number}/events", headers=auth(branch)))


# -- personal data ----------------------------------------------------------------------------

PERSON = {
    "name": "张三丰",
    "phone": "13812345678",
    "email": "zhangsan@example.com",
    "id_number": "110101199003071234",
    "customer_no": "C0012345678",
}


@pytest.fixture
async def personal_case(client: httpx.AsyncClient) -> str:
    return await open_case(client, complainant=PERSON)


async def test_a_key_without_pii_read_sees_masked_personal_data(
    client: httpx.AsyncClient, sessions: SessionFactory, personal_case: str
) -> None:
    key = await make_key(sessions, scopes={Permission.READ})

    one = (await client.get(f"/v1/complaints/{personal_case}", headers=auth(key))).json()
    page = (await client.get("/v1/complaints", headers=auth(key))).json()

    for shown in (one["complainant"], page["items"][0]["complainant"]):
        assert shown["phone"] == "138****5678"
        assert shown["name"] != PERSON["name"]
        assert shown["name"].startswith("张")
        assert "*" in shown["name"]
        assert shown["email"] == "z***@example.com"
        assert shown["id_number"] == "110***********1234"
        assert shown["customer_no"] == "*******5678"


async def test_a_key_with_pii_read_sees_the_full_personal_data(
    client: httpx.AsyncClient, sessions: SessionFactory, personal_case: str
) -> None:
    key = await make_key(sessions, scopes={Permission.READ, Permission.PII_READ})

    one = (await client.get(f"/v1/complaints/{personal_case}", headers=auth(key))).json()
    page = (await client.get("/v1/complaints", headers=auth(key))).json()

    assert one["complainant"] == PERSON
    assert page["items"][0]["complainant"] == PERSON


async def test_the_intake_answer_is_masked_for_a_key_without_pii_read(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    key = await make_key(sessions, scopes={Permission.INTAKE})

    response = await client.post("/v1/complaints", json=complaint(complainant=PERSON), headers=auth(key))

    assert response.status_code == 201, response.text
    assert response.json()["complainant"]["phone"] == "138****5678"
    # What was stored is the real thing.
    async with sessions() as session:
        stored = await session.scalar(select(Case.complainant_phone))
    assert stored == PERSON["phone"]

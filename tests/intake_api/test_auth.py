"""API keys: who may call, with which scopes, and how keys are kept."""

import hashlib

import httpx
import pytest
from sqlalchemy import select, text, update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import ApiKey, Case, CaseEvent, IdempotencyKey, OutboxMessage
from complaints.schemas.keys import Permission
from tests.assertions import assert_problem, count
from tests.clock import CLOCK
from tests.factories import ADMIN_KEY, auth, complaint, make_key


def assert_unauthorized(response: httpx.Response) -> None:
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def case_rows(sessions: SessionFactory) -> int:
    return sum([await count(sessions, model) for model in (Case, CaseEvent, OutboxMessage, IdempotencyKey)])


@pytest.fixture
def anonymous(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The same in-process API, without the bootstrap key's Authorization header."""
    del client.headers["Authorization"]
    return client


# -- who are you ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/complaints"),
        ("GET", "/v1/complaints"),
        ("GET", "/v1/complaints/TS20260101000001"),
        ("GET", "/v1/complaints/TS20260101000001/events"),
    ],
)
async def test_no_authorization_is_a_401_problem_with_www_authenticate(
    anonymous: httpx.AsyncClient, sessions: SessionFactory, method: str, path: str
) -> None:
    response = await anonymous.request(method, path, json=complaint() if method == "POST" else None)

    assert_unauthorized(response)
    assert await case_rows(sessions) == 0


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Basic dXNlcjpwYXNz", id="basic-scheme"),
        pytest.param("Bearer", id="bearer-without-a-key"),
        pytest.param(ADMIN_KEY, id="key-without-a-scheme"),
    ],
)
async def test_a_malformed_authorization_header_is_a_401_problem(
    anonymous: httpx.AsyncClient, sessions: SessionFactory, authorization: str
) -> None:
    response = await anonymous.post(
        "/v1/complaints", json=complaint(), headers={"Authorization": authorization}
    )

    assert_unauthorized(response)
    assert await case_rows(sessions) == 0


async def test_an_unknown_key_is_a_401_problem(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    response = await client.post("/v1/complaints", json=complaint(), headers=auth("ck_nobody_issued_this"))

    assert_unauthorized(response)
    assert await case_rows(sessions) == 0


async def test_a_revoked_key_is_a_401_problem(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    key = await make_key(sessions, scopes={Permission.INTAKE, Permission.READ})
    assert (await client.get("/v1/complaints", headers=auth(key))).status_code == 200
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.key_hash == hashlib.sha256(key.encode()).hexdigest())
            .values(revoked_at=CLOCK())
        )

    response = await client.post("/v1/complaints", json=complaint(), headers=auth(key))

    assert_unauthorized(response)
    assert await case_rows(sessions) == 0


async def test_an_unauthenticated_caller_learns_nothing_about_the_body_schema(
    anonymous: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await anonymous.post("/v1/complaints", json={"colour": "red"})

    assert_unauthorized(response)
    assert "errors" not in response.json()


# -- what may you do -------------------------------------------------------------------------


async def test_a_key_without_the_intake_scope_may_not_post(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    key = await make_key(sessions, scopes={Permission.READ, Permission.HANDLE, Permission.PII_READ})

    response = await client.post("/v1/complaints", json=complaint(), headers=auth(key))

    body = assert_problem(response, 403)
    assert "intake" in body["detail"]
    assert await case_rows(sessions) == 0


async def test_a_key_without_the_read_scope_may_not_read(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    key = await make_key(sessions, scopes={Permission.INTAKE})
    posted = await client.post("/v1/complaints", json=complaint(), headers=auth(key))
    assert posted.status_code == 201, posted.text
    number = posted.json()["case_number"]

    for path in ("/v1/complaints", f"/v1/complaints/{number}", f"/v1/complaints/{number}/events"):
        assert_problem(await client.get(path, headers=auth(key)), 403)


async def test_a_read_only_key_can_read_cases(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    number = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]
    key = await make_key(sessions, scopes={Permission.READ})

    one = await client.get(f"/v1/complaints/{number}", headers=auth(key))
    listed = await client.get("/v1/complaints", headers=auth(key))
    events = await client.get(f"/v1/complaints/{number}/events", headers=auth(key))

    assert one.status_code == 200, one.text
    assert one.json()["case_number"] == number
    assert listed.status_code == 200, listed.text
    assert [item["case_number"] for item in listed.json()["items"]] == [number]
    assert events.status_code == 200, events.text
    assert [event["kind"] for event in events.json()["items"]] == ["received"]


async def test_a_read_only_key_may_not_post(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    key = await make_key(sessions, scopes={Permission.READ})

    response = await client.post("/v1/complaints", json=complaint(), headers=auth(key))

    assert_problem(response, 403)
    assert await case_rows(sessions) == 0


# -- how keys are kept -------------------------------------------------------------------------


async def test_keys_are_stored_only_as_a_sha256_hash(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    key = await make_key(sessions, scopes={Permission.READ}, unit="BR-002", name="branch-two")
    # The key works, so what is stored is enough to recognise it.
    assert (await client.get("/v1/complaints", headers=auth(key))).status_code == 200

    async with sessions() as session:
        rows = (await session.execute(text("SELECT name, t::text FROM api_keys AS t"))).all()
        stored = await session.scalar(select(ApiKey.key_hash).where(ApiKey.name == "branch-two"))

    assert {name for name, _ in rows} == {"bootstrap", "branch-two"}
    for _, row in rows:
        assert key not in row
        assert ADMIN_KEY not in row
    assert stored == hashlib.sha256(key.encode()).hexdigest()

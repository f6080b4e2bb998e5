"""Idempotency-Key: a retry replays the first answer; a different body or a request in flight does not."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from complaints.db.engine import SessionFactory
from complaints.db.models import ApiKey, Case, CaseEvent, IdempotencyKey, OutboxMessage
from complaints.schemas.keys import Permission
from tests.assertions import assert_problem, count
from tests.factories import auth, complaint, make_key


async def assert_cases(sessions: SessionFactory, expected: int) -> None:
    assert await count(sessions, Case) == expected
    assert await count(sessions, CaseEvent) == expected
    assert await count(sessions, OutboxMessage) == expected


def post(
    client: httpx.AsyncClient, body: dict[str, Any] | bytes, *, key: str, api_key: str | None = None
) -> Any:
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    if api_key is not None:
        headers.update(auth(api_key))
    content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return client.post("/v1/complaints", content=content, headers=headers)


async def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    first = await post(client, complaint(), key="retry-1")
    again = await post(client, complaint(), key="retry-1")

    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    await assert_cases(sessions, 1)
    assert await count(sessions, IdempotencyKey) == 1


async def test_the_same_request_spelled_differently_still_replays(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    body = complaint(amount="120.50", complainant={"name": "张三", "phone": "13812345678"})
    reordered = dict(reversed(list(body.items())))
    reordered["complainant"] = {"phone": "13812345678", "name": "张三"}
    spaced = json.dumps(reordered, ensure_ascii=False, indent=4).replace(": ", " :  ").encode()

    first = await post(client, body, key="spelling")
    again = await post(client, spaced, key="spelling")

    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["case_number"] == first.json()["case_number"]
    await assert_cases(sessions, 1)


async def test_the_same_key_with_a_different_body_is_a_422_problem(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    first = await post(client, complaint(), key="reused")
    other = await post(client, complaint(content="另一件事：ATM 吞卡"), key="reused")

    assert first.status_code == 201, first.text
    body = assert_problem(other, 422)
    assert "Idempotency-Key" in body["detail"]
    await assert_cases(sessions, 1)


async def test_the_same_key_from_two_api_keys_opens_two_cases(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    one = await make_key(sessions, scopes={Permission.INTAKE}, name="vendor-one")
    two = await make_key(sessions, scopes={Permission.INTAKE}, name="vendor-two")

    first = await post(client, complaint(), key="CALL-0001", api_key=one)
    second = await post(client, complaint(), key="CALL-0001", api_key=two)

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert "idempotent-replayed" not in second.headers
    assert first.json()["case_number"] != second.json()["case_number"]
    await assert_cases(sessions, 2)


async def test_a_rejected_first_attempt_leaves_nothing_to_replay(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    # received_at is not allowed on the web channel: a domain rule, checked after the key is claimed.
    rejected = complaint(channel="web", received_at="2026-01-01T10:00:00+08:00")

    assert_problem(await post(client, rejected, key="try-again"), 422)
    assert_problem(await post(client, rejected, key="try-again"), 422)
    assert await count(sessions, IdempotencyKey) == 0
    await assert_cases(sessions, 0)

    fixed = await post(client, complaint(channel="web"), key="try-again")
    assert fixed.status_code == 201, fixed.text
    assert "idempotent-replayed" not in fixed.headers
    await assert_cases(sessions, 1)


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_an_empty_or_overlong_key_is_a_422_problem(
    client: httpx.AsyncClient, sessions: SessionFactory, key: str
) -> None:
    response = await post(client, complaint(), key=key)

    body = assert_problem(response, 422)
    assert "idempotency-key" in [error["field"].lower() for error in body["errors"]]
    await assert_cases(sessions, 0)


# -- a request still in flight --------------------------------------------------------------


@pytest.fixture
async def lock_holder(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        yield connection
        await connection.execute(text("SELECT pg_advisory_unlock_all()"))
        await connection.commit()


async def bootstrap_key_id(sessions: SessionFactory) -> int:
    async with sessions() as session:
        found = await session.scalar(select(ApiKey.id).where(ApiKey.name == "bootstrap"))
    assert found is not None
    return found


async def test_a_request_in_flight_with_the_same_key_is_a_409_problem(
    client: httpx.AsyncClient, sessions: SessionFactory, lock_holder: AsyncConnection
) -> None:
    # The lock the first request holds until it commits: taken here on a separate connection.
    await lock_holder.execute(
        text("SELECT pg_advisory_lock(:api_key, hashtext(:key))"),
        {"api_key": await bootstrap_key_id(sessions), "key": "in-flight"},
    )
    await lock_holder.commit()  # a session-level lock outlives the transaction

    response = await post(client, complaint(), key="in-flight")

    assert_problem(response, 409)
    await assert_cases(sessions, 0)
    assert await count(sessions, IdempotencyKey) == 0

    # Other keys are not held up meanwhile.
    assert (await post(client, complaint(external_ref="CALL-0002"), key="another")).status_code == 201

    await lock_holder.execute(text("SELECT pg_advisory_unlock_all()"))
    await lock_holder.commit()
    retried = await post(client, complaint(), key="in-flight")
    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers
    await assert_cases(sessions, 2)


async def test_concurrent_requests_with_one_key_open_exactly_one_case(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    responses: list[httpx.Response] = await asyncio.gather(
        *(post(client, complaint(), key="stampede") for _ in range(5))
    )

    created = [r for r in responses if r.status_code == 201]
    assert created, [r.text for r in responses]
    numbers = {r.json()["case_number"] for r in created}
    assert len(numbers) == 1
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409)
        else:
            assert response.status_code == 201, response.text
    assert sum("idempotent-replayed" not in r.headers for r in created) == 1
    await assert_cases(sessions, 1)
    async with sessions() as session:
        assert await session.scalar(select(Case.case_number)) in numbers

"""Bad input is refused with a problem-details body naming what was wrong, and writes nothing."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from complaints.db.engine import SessionFactory
from complaints.db.models import Case
from complaints.settings import Settings
from tests.assertions import assert_nothing_written, assert_problem
from tests.factories import complaint


async def post_raw(client: httpx.AsyncClient, content: bytes | str) -> httpx.Response:
    return await client.post("/v1/complaints", content=content, headers={"Content-Type": "application/json"})


# -- the body is not JSON, or not the right shape ------------------------------------------


async def test_malformed_json_is_a_400_problem(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    response = await post_raw(client, b'{"channel": "hotline", "content": "unterminated')

    assert_problem(response, 400)
    await assert_nothing_written(sessions)


async def test_a_json_array_instead_of_an_object_is_a_422_problem(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await post_raw(client, json.dumps([complaint()]))

    assert_problem(response, 422)
    await assert_nothing_written(sessions)


async def test_an_empty_body_is_a_422_problem_naming_the_body(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await post_raw(client, b"")

    assert_problem(response, 422, field="body")
    await assert_nothing_written(sessions)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"content": 42}, "content", id="content-as-a-number"),
        pytest.param({"amount": "abc"}, "amount", id="amount-not-a-number"),
        pytest.param({"amount": "-5.00"}, "amount", id="negative-amount"),
        pytest.param({"amount": "1.005"}, "amount", id="amount-with-three-decimals"),
        pytest.param({"confidential": "maybe"}, "confidential", id="confidential-not-a-bool"),
        pytest.param({"complainant": "张三"}, "complainant", id="complainant-not-an-object"),
        pytest.param({"channel": "pigeon"}, "channel", id="unknown-channel"),
        pytest.param({"source": "rumour"}, "source", id="unknown-source"),
        pytest.param({"severity": "apocalyptic"}, "severity", id="unknown-severity"),
        pytest.param({"colour": "red"}, "colour", id="unknown-top-level-field"),
        pytest.param(
            {"complainant": {"name": "张三", "foo": "bar"}}, "complainant.foo", id="unknown-nested-field"
        ),
        pytest.param({"content": "   "}, "content", id="blank-content"),
        pytest.param({"content": "x" * 20_001}, "content", id="content-too-long"),
        pytest.param({"complainant": {"phone": "call me"}}, "complainant.phone", id="invalid-phone"),
        pytest.param({"complainant": {"email": "not-an-email"}}, "complainant.email", id="invalid-email"),
        pytest.param({"occurred_at": "2026-01-01T10:00:00"}, "occurred_at", id="naive-occurred-at"),
        pytest.param({"occurred_at": "yesterday"}, "occurred_at", id="occurred-at-not-a-time"),
        pytest.param({"received_at": "2026-01-01T10:00:00"}, "received_at", id="naive-received-at"),
        pytest.param({"branch_code": "BR 001; DROP"}, "branch_code", id="branch-code-pattern"),
        pytest.param(
            {"upstream": {"due_at": "2026-01-01T10:00:00+08:00"}}, "upstream.ref", id="upstream-ref"
        ),
        # Postgres text cannot hold NUL: the request is refused, not failed on insert.
        pytest.param({"content": "年费\u0000被扣"}, "content", id="nul-in-content"),
        pytest.param({"external_ref": "CALL\u0000"}, "external_ref", id="nul-in-external-ref"),
        pytest.param({"demand": "退\u0000款"}, "demand", id="nul-in-demand"),
        pytest.param({"complainant": {"name": "张\u0000三"}}, "complainant.name", id="nul-in-nested-field"),
    ],
)
async def test_an_invalid_field_is_a_422_problem_naming_it(
    client: httpx.AsyncClient, sessions: SessionFactory, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/complaints", json=complaint(**overrides))

    body = assert_problem(response, 422, field=field)
    assert field in body["detail"]
    await assert_nothing_written(sessions)


async def test_missing_content_is_a_422_problem_naming_it(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    body = complaint()
    del body["content"]

    response = await client.post("/v1/complaints", json=body)

    assert_problem(response, 422, field="content")
    await assert_nothing_written(sessions)


async def test_missing_channel_is_a_422_problem_naming_it(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    body = complaint()
    del body["channel"]

    response = await client.post("/v1/complaints", json=body)

    assert_problem(response, 422, field="channel")
    await assert_nothing_written(sessions)


async def test_every_invalid_field_is_named_at_once(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await client.post(
        "/v1/complaints", json=complaint(channel="pigeon", content="  ", amount="abc", extra=1)
    )

    body = assert_problem(response, 422)
    assert {"channel", "content", "amount", "extra"} <= {error["field"] for error in body["errors"]}
    await assert_nothing_written(sessions)


# -- oversized bodies ------------------------------------------------------------------------


def oversized(settings: Settings) -> bytes:
    body = json.dumps(complaint(content="投" * settings.max_body_bytes), ensure_ascii=False).encode()
    assert len(body) > settings.max_body_bytes
    return body


async def test_an_oversized_body_with_content_length_is_a_413_problem(
    client: httpx.AsyncClient, sessions: SessionFactory, settings: Settings
) -> None:
    body = oversized(settings)

    response = await client.post("/v1/complaints", content=body, headers={"Content-Type": "application/json"})

    assert response.request.headers["content-length"] == str(len(body))
    assert assert_problem(response, 413)["title"] == "Request body too large"
    await assert_nothing_written(sessions)


async def test_an_oversized_chunked_body_without_content_length_is_a_413_problem(
    client: httpx.AsyncClient, sessions: SessionFactory, settings: Settings
) -> None:
    body = oversized(settings)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = await client.post(
        "/v1/complaints", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert assert_problem(response, 413)["title"] == "Request body too large"
    await assert_nothing_written(sessions)


async def test_a_chunked_body_under_the_limit_is_accepted(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    body = json.dumps(complaint()).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 16):
            yield body[start : start + 16]

    response = await client.post(
        "/v1/complaints", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 201, response.text
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 1


# -- routes, methods and query parameters -------------------------------------------------


async def test_an_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/no-such-thing")

    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/v1/complaints", {"GET", "POST"}),
        ("PUT", "/v1/complaints/TS20260101000001", {"GET"}),
    ],
)
async def test_a_wrong_method_is_a_405_problem_listing_the_allowed_ones(
    client: httpx.AsyncClient, sessions: SessionFactory, method: str, path: str, allowed: set[str]
) -> None:
    response = await client.request(method, path, json=complaint())

    assert_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == allowed
    await assert_nothing_written(sessions)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"limit": "0"}, "limit", id="limit-zero"),
        pytest.param({"limit": "1000"}, "limit", id="limit-too-large"),
        pytest.param({"limit": "many"}, "limit", id="limit-not-a-number"),
        pytest.param({"status": "bogus"}, "status", id="unknown-status"),
        pytest.param({"channel": "pigeon"}, "channel", id="unknown-channel"),
        pytest.param({"severity": "apocalyptic"}, "severity", id="unknown-severity"),
        pytest.param({"overdue": "perhaps"}, "overdue", id="overdue-not-a-bool"),
        pytest.param({"received_from": "last week"}, "received_from", id="received-from-not-a-time"),
        pytest.param({"received_from": "2026-01-01T10:00:00"}, "received_from", id="naive-received-from"),
        pytest.param({"received_to": "2026-01-01T10:00:00"}, "received_to", id="naive-received-to"),
        pytest.param({"q": "年费\u0000"}, "q", id="nul-in-q"),
        pytest.param({"unit": "BR-001\u0000"}, "unit", id="nul-in-unit"),
        pytest.param({"q": ""}, "q", id="empty-q"),
        pytest.param({"cursor": "not a cursor!"}, "cursor", id="garbage-cursor"),
        pytest.param({"cursor": "x" * 65}, "cursor", id="cursor-too-long"),
        # Decodes to a number, but one that no bigint id can be compared with.
        pytest.param({"cursor": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, "cursor", id="cursor-out-of-range"),
    ],
)
async def test_bad_list_parameters_are_a_422_problem_naming_them(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await client.get("/v1/complaints", params=params)

    assert_problem(response, 422, field=field)


@pytest.mark.parametrize("path", ["/v1/complaints/TS2026%00", "/v1/complaints/TS2026%00/events"])
async def test_a_case_number_no_case_can_have_is_a_404_problem(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert_problem(response, 404)

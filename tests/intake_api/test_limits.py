"""OWASP API4: rate limits per key and per client address, shared through Redis, failing open;
page sizes; and a timeout on every call the code makes to another service."""

import ast
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from arq import ArqRedis

from complaints.db.engine import SessionFactory
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from intake_api.app import create_app
from intake_api.settings import ApiSettings, SecuritySettings
from tests.assertions import assert_problem
from tests.clock import CLOCK
from tests.factories import ADMIN_KEY, auth, complaint, make_key

SRC = Path(__file__).resolve().parents[2] / "src"


def limited(**limits: int) -> ApiSettings:
    # An hour's window: a test never straddles two windows (they are aligned to the clock).
    return ApiSettings(security=SecuritySettings(**{"rate_limit_window_seconds": 3600, **limits}))  # type: ignore[arg-type]


async def api(settings: Settings, limits: ApiSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, limits, clock=CLOCK)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", headers=auth(ADMIN_KEY)
        ) as client,
    ):
        yield client


@pytest.fixture
async def per_key(
    settings: Settings, sessions: SessionFactory, redis: ArqRedis
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in api(settings, limited(rate_limit_per_key=3)):
        yield client


@pytest.fixture
async def per_address(
    settings: Settings, sessions: SessionFactory, redis: ArqRedis
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in api(settings, limited(rate_limit_per_address=4)):
        yield client


def assert_too_many(response: httpx.Response) -> None:
    assert_problem(response, 429)
    assert 1 <= int(response.headers["retry-after"]) <= 3601


async def test_a_key_over_its_limit_gets_429_with_retry_after(
    per_key: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    other = await make_key(sessions, scopes={Permission.READ})
    for _ in range(3):
        assert (await per_key.get("/v1/complaints")).status_code == 200

    assert_too_many(await per_key.get("/v1/complaints"))
    assert_too_many(await per_key.post("/v1/complaints", json=complaint()))
    # Another key has its own allowance.
    assert (await per_key.get("/v1/complaints", headers=auth(other))).status_code == 200


async def test_a_client_address_over_its_limit_gets_429_even_without_a_key(
    per_address: httpx.AsyncClient,
) -> None:
    for _ in range(4):
        assert (
            await per_address.get("/v1/complaints", headers={"Authorization": "Bearer ck_guess"})
        ).status_code == 401

    assert_too_many(await per_address.get("/v1/complaints", headers={"Authorization": "Bearer ck_guess"}))
    assert_too_many(await per_address.get("/v1/complaints"))
    # Probes are never limited.
    assert (await per_address.get("/healthz")).status_code == 200


async def test_the_count_is_shared_by_every_api_process(
    settings: Settings, sessions: SessionFactory, redis: ArqRedis
) -> None:
    limits = limited(rate_limit_per_key=4)
    first, second = api(settings, limits), api(settings, limits)
    one, two = await anext(first), await anext(second)
    try:
        for client in (one, two, one, two):
            assert (await client.get("/v1/complaints")).status_code == 200
        assert_too_many(await one.get("/v1/complaints"))
        assert_too_many(await two.get("/v1/complaints"))
    finally:
        await first.aclose()
        await second.aclose()


async def test_with_redis_down_the_limits_are_off_and_intake_goes_on(
    settings: Settings, sessions: SessionFactory
) -> None:
    unreachable = settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    async for client in api(unreachable, limited(rate_limit_per_key=1, rate_limit_per_address=1)):
        for n in range(3):
            posted = await client.post("/v1/complaints", json=complaint(external_ref=f"DOWN-{n}"))
            assert posted.status_code == 201, posted.text
        assert (await client.get("/v1/complaints")).status_code == 200


async def test_a_page_is_at_most_100_cases(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/v1/complaints", params={"limit": 101}), 422, field="limit")
    assert (await client.get("/v1/complaints", params={"limit": 100})).status_code == 200


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    return ast.unparse(call.func)


# Outbound clients, and what their timeout is called.
CLIENTS = {
    "httpx.AsyncClient": "timeout",
    "httpx.Client": "timeout",
    "aiosmtplib.send": "timeout",
    "Redis.from_url": "socket_timeout",
    "redis.Redis.from_url": "socket_timeout",
    "urllib.request.urlopen": "timeout",
}


def test_every_outbound_client_in_the_code_has_a_timeout() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for call in _calls(ast.parse(path.read_text(), filename=str(path))):
            name = _name(call)
            if name in CLIENTS:
                found.append(name)
                keywords = {keyword.arg for keyword in call.keywords}
                assert CLIENTS[name] in keywords, (
                    f"{path.relative_to(SRC)}:{call.lineno}: {name} without a timeout"
                )
            if name.startswith("httpx.") and name.split(".")[-1] in {
                "get",
                "post",
                "put",
                "request",
                "stream",
            }:
                where = f"{path.relative_to(SRC)}:{call.lineno}"
                pytest.fail(f"{where}: a one-off {name} call; use a client with a timeout")
    assert "httpx.AsyncClient" in found

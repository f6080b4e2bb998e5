"""Failing well: /readyz says which dependency is down; overload and a full pool answer 503 +
Retry-After at once, and nothing half-done is left behind."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from complaints.db.engine import SessionFactory
from complaints.db.models import Case
from complaints.settings import Settings
from intake_api.app import create_app
from intake_api.settings import ApiSettings
from tests.clock import CLOCK
from tests.factories import ADMIN_KEY, auth, complaint
from tests.processes import free_port


@asynccontextmanager
async def api(settings: Settings, limits: ApiSettings | None = None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, limits, clock=CLOCK)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=auth(ADMIN_KEY)
        ) as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


def nothing_listens() -> str:
    return f"127.0.0.1:{free_port()}"


async def test_ready_when_postgres_and_redis_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "postgres": "ok", "redis": "ok"}


async def test_not_ready_when_postgres_is_unreachable(settings: Settings) -> None:
    down = settings.model_copy(
        update={
            "database_url": f"postgresql+asyncpg://postgres@{nothing_listens()}/x",
            "bootstrap_api_key": None,
        }
    )
    async with api(down) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["postgres"].startswith("unreachable")
        assert response.json()["redis"] == "ok"
        assert (await client.get("/healthz")).status_code == 200  # alive, just not ready
        # And a complaint is refused in a way the caller can act on, not with a 500.
        refused = await client.post("/v1/complaints", json=complaint())
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "1"
        assert refused.headers["content-type"] == "application/problem+json"


async def test_not_ready_when_redis_is_unreachable(settings: Settings, sessions: SessionFactory) -> None:
    down = settings.model_copy(update={"redis_url": f"redis://{nothing_listens()}/0"})
    async with api(down) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["postgres"] == "ok"
        assert response.json()["redis"].startswith("unreachable")
        # Intake goes on without Redis: the job waits in the outbox for the relay.
        assert (await client.post("/v1/complaints", json=complaint())).status_code == 201


async def case_count(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Case)) or 0)


async def test_a_full_pool_is_a_503_with_retry_after(settings: Settings, sessions: SessionFactory) -> None:
    limits = ApiSettings(db_pool_size=1, db_pool_timeout_seconds=0.2)
    async with api(settings, limits) as client:
        engine: AsyncEngine = client.app.state.sessions.kw["bind"]  # type: ignore[attr-defined]
        # The one connection the API may open (a pool of one, no overflow) is busy elsewhere.
        async with engine.connect():
            response = await client.post("/v1/complaints", json=complaint())
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert await case_count(sessions) == 0
        # Once connections are free again the same request goes through.
        assert (await client.post("/v1/complaints", json=complaint())).status_code == 201
        assert await case_count(sessions) == 1


async def test_beyond_the_in_flight_limit_requests_are_shed_at_once(
    settings: Settings, sessions: SessionFactory
) -> None:
    limits = ApiSettings(max_in_flight=2)
    async with api(settings, limits) as client:
        before = shed_count((await client.get("/metrics")).text)
        body_started = asyncio.Event()
        release = asyncio.Event()

        async def slow_body(ref: str) -> AsyncIterator[bytes]:
            body_started.set()
            await release.wait()
            yield httpx.Request("POST", "/", json=complaint(external_ref=ref)).content

        async def slow_post(ref: str) -> httpx.Response:
            return await client.post(
                "/v1/complaints",
                content=slow_body(ref),
                headers={"Content-Type": "application/json"},
            )

        # Two requests in flight, stuck sending their bodies...
        slow = [asyncio.create_task(slow_post(f"SLOW-{n}")) for n in range(2)]
        await asyncio.wait_for(body_started.wait(), 5)
        await asyncio.sleep(0.1)
        # ...so a third is refused without being read, and probes still answer.
        shed = await client.post("/v1/complaints", json=complaint())
        assert shed.status_code == 503
        assert shed.headers["Retry-After"] == "1"
        assert shed.json()["title"] == "Service overloaded"
        assert (await client.get("/healthz")).status_code == 200
        release.set()
        assert [r.status_code for r in await asyncio.gather(*slow)] == [201, 201]
        assert await case_count(sessions) == 2
        assert (await client.post("/v1/complaints", json=complaint(external_ref="AFTER"))).status_code == 201
        assert shed_count((await client.get("/metrics")).text) == before + 1


def shed_count(metrics: str) -> float:
    line = next(x for x in metrics.splitlines() if x.startswith("complaints_http_requests_shed_total "))
    return float(line.split()[1])


@pytest.mark.parametrize("limit", [0, -1])
def test_the_limits_must_be_positive(limit: int) -> None:
    with pytest.raises(ValueError, match="greater than 0"):
        ApiSettings(max_in_flight=limit)

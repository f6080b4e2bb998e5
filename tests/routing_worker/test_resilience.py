"""The routing worker as a real process: killed, signalled, and with Redis or Postgres restarting.

Every test starts `python -m routing_worker` exactly as the image does and posts complaints
through the API in-process; "routed" is read from Postgres.
"""

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from complaints.db.engine import SessionFactory
from complaints.db.models import Case
from complaints.settings import Settings
from intake_api.app import create_app
from tests.factories import ADMIN_KEY, auth, complaint
from tests.processes import (
    app_env,
    eventually,
    free_port,
    redis_server,
    start_worker,
    stop,
    worker_is_healthy,
)

pytestmark = pytest.mark.e2e


@asynccontextmanager
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=auth(ADMIN_KEY)
        ) as c:
            yield c


async def post(client: httpx.AsyncClient, ref: str) -> str:
    response = await client.post("/v1/complaints", json=complaint(external_ref=ref))
    assert response.status_code == 201, response.text
    number: str = response.json()["case_number"]
    return number


async def status_of(sessions: SessionFactory, number: str) -> str:
    async with sessions() as session:
        found: str = await session.scalar(select(Case.status).where(Case.case_number == number))
        return found


async def routed(sessions: SessionFactory, number: str, *, within: float = 15) -> float:
    async def check() -> bool:
        return await status_of(sessions, number) == "assigned"

    return await eventually(check, within=within, what=f"{number} to be routed")


@pytest.fixture
def worker_log(tmp_path: Path) -> Iterator[Path]:
    log = tmp_path / "worker.log"
    yield log
    # On failure pytest shows this with the captured output.
    if log.exists():
        print(log.read_text()[-5000:])


def worker_env(settings: Settings, redis_url: str | None = None) -> dict[str, str]:
    return app_env(
        settings.require_database_url(),
        redis_url or settings.require_redis_url(),
        COMPLAINTS_METRICS_PORT=str(free_port()),
        COMPLAINTS_WORKER_HEALTH_INTERVAL_SECONDS="1",
    )


async def test_the_worker_reports_health_and_metrics_and_routes(
    settings: Settings, sessions: SessionFactory, worker_log: Path
) -> None:
    env = worker_env(settings)
    assert not worker_is_healthy("routing_worker", env)
    worker = start_worker("routing_worker", env, worker_log)
    try:
        await eventually(
            lambda: asyncio.to_thread(worker_is_healthy, "routing_worker", env),
            within=20,
            what="the worker's health key",
            interval=0.3,
        )
        async with api(settings) as client:
            number = await post(client, "CALL-HEALTH")
        await routed(sessions, number)
        port = env["COMPLAINTS_METRICS_PORT"]
        async with httpx.AsyncClient() as scraper:
            for _ in range(40):  # the relay updates the gauges once a second
                page = (await scraper.get(f"http://127.0.0.1:{port}/metrics")).text
                if 'complaints_outbox_pending{job="route_case"} 0.0' in page:
                    break
                await asyncio.sleep(0.1)
        assert "complaints_cases_routed_total 1.0" in page
        assert 'complaints_job_duration_seconds_count{job="route_case",outcome="ok"} 1.0' in page
        assert 'complaints_outbox_lag_seconds{job="route_case"} 0.0' in page
        assert 'complaints_queue_depth{queue="complaints:routing"}' in page
    finally:
        assert stop(worker) == 0


async def test_the_worker_rides_out_a_redis_restart(
    settings: Settings, sessions: SessionFactory, worker_log: Path, tmp_path: Path
) -> None:
    with redis_server(tmp_path) as (redis_url, restart_redis):
        own = settings.model_copy(update={"redis_url": redis_url})
        worker = start_worker("routing_worker", worker_env(own), worker_log)
        try:
            async with api(own) as client:
                await routed(sessions, await post(client, "CALL-BEFORE"), within=20)
                # Down for two seconds (the worker's polls fail meanwhile), then back empty, as
                # after a crash without persistence.
                await asyncio.to_thread(restart_redis, 2.0)
                await routed(sessions, await post(client, "CALL-AFTER"))
            assert worker.poll() is None, "the worker survived"
        finally:
            assert stop(worker) == 0
    assert "Redis unreachable" in await asyncio.to_thread(worker_log.read_text)


async def test_the_worker_recovers_when_postgres_drops_its_connections(
    settings: Settings, sessions: SessionFactory, engine: AsyncEngine, worker_log: Path
) -> None:
    worker = start_worker("routing_worker", worker_env(settings), worker_log)
    try:
        async with api(settings) as client:
            await routed(sessions, await post(client, "CALL-BEFORE"), within=20)
            async with engine.connect() as connection:
                killed = await connection.scalar(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND application_name = 'complaints-worker'"
                    )
                )
            assert killed, "the worker's pooled connections were there to kill"
            await routed(sessions, await post(client, "CALL-AFTER"))
        assert worker.poll() is None
    finally:
        assert stop(worker) == 0


@asynccontextmanager
async def case_row_locked(engine: AsyncEngine, number: str) -> AsyncIterator[None]:
    """Hold the case's row lock, so the worker that routes it waits mid-job."""
    async with engine.connect() as connection, connection.begin():
        await connection.execute(text("SELECT 1 FROM cases WHERE case_number = :n FOR UPDATE"), {"n": number})
        yield


async def waiting_on_lock(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        waiting = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND application_name = 'complaints-worker'"
            )
        )
        return bool(waiting)


async def test_sigterm_lets_the_running_job_finish(
    settings: Settings, sessions: SessionFactory, engine: AsyncEngine, worker_log: Path
) -> None:
    worker = start_worker("routing_worker", worker_env(settings), worker_log)
    try:
        async with api(settings) as client:
            await routed(sessions, await post(client, "CALL-WARMUP"), within=20)
            number = await post(client, "CALL-DRAIN")
            async with case_row_locked(engine, number):
                await eventually(lambda: waiting_on_lock(engine), within=10, what="the job to start")
                worker.send_signal(signal.SIGTERM)
                await asyncio.sleep(1)
                assert worker.poll() is None, "the worker waits for its job"
            # The lock is gone: the job completes, then the worker exits.
            code = await asyncio.to_thread(worker.wait, 15)
        assert code == 0
        assert await status_of(sessions, number) == "assigned"
    finally:
        stop(worker)


async def test_a_killed_workers_job_is_run_again_within_30_seconds(
    settings: Settings, sessions: SessionFactory, engine: AsyncEngine, worker_log: Path
) -> None:
    env = worker_env(settings)
    first = start_worker("routing_worker", env, worker_log)
    second: subprocess.Popen[bytes] | None = None
    try:
        async with api(settings) as client:
            await routed(sessions, await post(client, "CALL-WARMUP"), within=20)
            number = await post(client, "CALL-KILLED")
            async with case_row_locked(engine, number):
                await eventually(lambda: waiting_on_lock(engine), within=10, what="the job to start")
                first.kill()
                killed_at = time.monotonic()
                first.wait()
            second = start_worker("routing_worker", env, worker_log)
            await routed(sessions, number, within=30)
            assert time.monotonic() - killed_at < 30
    finally:
        first.kill()
        if second is not None:
            assert stop(second) == 0

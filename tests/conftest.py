"""Real Postgres and Redis for every test that needs them.

CI points COMPLAINTS_TEST_DATABASE_URL / COMPLAINTS_TEST_REDIS_URL at running servers; without
them the embedded servers start once per test session. Each session gets its own database,
migrated and loaded with the reference bank; each test starts from empty case tables.

Each test runs at a fixed day (tests/clock.py): the API and the workers the tests start read the
time from `clock`, never the wall clock. A test marked `calendar` runs at each of `DAYS`.
"""

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from complaints.configuration.apply import apply_config
from complaints.configuration.config_file import DEMO_CONFIG, load_config
from complaints.configuration.rulebook import load_rulebook
from complaints.db import migrate
from complaints.db.engine import SessionFactory, create_engine, create_session_factory, unit_of_work
from complaints.jobs import queue
from complaints.routing.classifier import train_and_install
from complaints.settings import ChannelSettings, Settings
from intake_api.app import create_app
from tests.clock import CLOCK, DAYS, DEFAULT_DAY, FrozenClock, start_of
from tests.factories import ADMIN_KEY, TODAY, auth

CASE_TABLES = (
    "cases, case_events, deadlines, outbox, idempotency_keys, api_keys, rejected_messages, sms_parts,"
    " report_refreshes"
)
# The channels' secrets in every test process (and in the servers tests start).
CHANNEL_SECRETS = {
    "sms_webhook_secret": "test-sms-webhook-secret",
    "email_webhook_secret": "test-email-webhook-secret",
    "identity_hash_key": "test-identity-hash-key",
    "web_secret": "test-web-form-secret",
}
# Personal data is sealed with this key here and in every process the tests start (they inherit
# the environment), so each can open what another sealed.
os.environ.setdefault("COMPLAINTS_PII_KEYS", '{"test-1": "test-key-for-sealing-personal-data"}')


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked `calendar` runs once at each of the days in tests/clock.py."""
    if "today" in metafunc.fixturenames and metafunc.definition.get_closest_marker("calendar"):
        metafunc.parametrize("today", list(DAYS.values()), ids=list(DAYS), indirect=True)


@pytest.fixture
def today(request: pytest.FixtureRequest) -> date:
    """The day the test runs at: DEFAULT_DAY, or one of DAYS for a `calendar` test."""
    day: date = getattr(request, "param", DEFAULT_DAY)
    return day


@pytest.fixture(autouse=True)
def clock(today: date) -> FrozenClock:
    """The time the app, the in-process workers and the test read: 10:00 in Shanghai on `today`,
    still until the test moves it."""
    CLOCK.set(start_of(today))
    return CLOCK


@pytest.fixture(scope="session")
def servers() -> Iterator[tuple[str, str]]:
    database = os.environ.get("COMPLAINTS_TEST_DATABASE_URL")
    redis = os.environ.get("COMPLAINTS_TEST_REDIS_URL")
    if database and redis:
        yield database, redis
        return
    from complaints.local.embedded import embedded_services

    # A short path: the servers' unix sockets live under it.
    data_dir = Path(tempfile.mkdtemp(prefix="ct-", dir="/tmp"))
    try:
        with embedded_services(data_dir) as embedded:
            yield database or embedded.database_url, redis or embedded.redis_url
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _load_demo(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            await apply_config(session, loaded=load_config(DEMO_CONFIG), today=TODAY)
        # The classifier the demo bank routes with, trained once for the session (~10 s).
        async with unit_of_work(create_session_factory(engine)) as session:
            rulebook = await load_rulebook(session, zone=Settings().zone)
            await train_and_install(session, rulebook=rulebook)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def database_url(servers: tuple[str, str]) -> Iterator[str]:
    server_url = servers[0]
    name = f"complaints_test_{os.getpid()}"
    asyncio.run(_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    asyncio.run(_admin(server_url, f"CREATE DATABASE {name}"))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    asyncio.run(_load_demo(url))
    yield url
    asyncio.run(_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
def scratch_database(servers: tuple[str, str]) -> Iterator[str]:
    """An empty database of the test's own on the test server, dropped afterwards."""
    name = f"complaints_scratch_{os.getpid()}"
    asyncio.run(_admin(servers[0], f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    asyncio.run(_admin(servers[0], f"CREATE DATABASE {name}"))
    yield make_url(servers[0]).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(servers[0], f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def redis_url(servers: tuple[str, str]) -> str:
    return servers[1]


@pytest.fixture(scope="session")
def settings(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        bootstrap_api_key=ADMIN_KEY,
        worker_poll_delay_seconds=0.05,
        # Attachments and the development sender's files go here, not into the work tree.
        data_dir=tmp_path_factory.mktemp("data"),
        channels=ChannelSettings(**CHANNEL_SECRETS),  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[ArqRedis]:
    connection = await queue.connect(redis_url)
    await connection.flushdb()
    yield connection
    await connection.aclose()


@pytest.fixture
async def sessions(engine: AsyncEngine, redis: ArqRedis) -> SessionFactory:
    """A session factory over empty case tables (the configuration stays) and an empty queue."""
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {CASE_TABLES} RESTART IDENTITY CASCADE"))
    return create_session_factory(engine)


@pytest.fixture
async def client(
    settings: Settings, sessions: SessionFactory, clock: FrozenClock
) -> AsyncIterator[httpx.AsyncClient]:
    """The API in-process (lifespan included), authenticated with the bootstrap key."""
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=auth(ADMIN_KEY)
        ) as client:
            yield client

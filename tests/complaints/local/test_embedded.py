"""The embedded Postgres and Redis: start, persist across restarts, recover from crashes."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from arq.connections import RedisSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from complaints.local.embedded import EmbeddedServerError, embedded_services, start_embedded


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # pytest's tmp_path can exceed the ~107-byte limit of a unix socket path.
    path = Path(tempfile.mkdtemp(prefix="emb-", dir="/tmp"))
    yield path
    shutil.rmtree(path)


def _sql(url: str, *statements: str) -> list[object]:
    async def run() -> list[object]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                results = [await conn.execute(text(s)) for s in statements]
                return [r.scalar() if r.returns_rows else None for r in results]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _pid_is_gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rpartition(") ")[2].startswith(("Z", "X"))  # a zombie nobody reaps is gone too


def test_start_stop_and_restart_keeps_data(data_dir: Path) -> None:
    with embedded_services(data_dir) as services:
        assert services.database_url == (
            f"postgresql+asyncpg://postgres@/complaints?host={data_dir}/postgres"
        )
        assert services.redis_url == f"unix://{data_dir}/redis/redis.sock"
        # The workers read the URL through arq.
        assert RedisSettings.from_dsn(services.redis_url).unix_socket_path == str(
            data_dir / "redis" / "redis.sock"
        )
        assert _sql(
            services.database_url,
            "select 1",
            "create table kept (v text)",
            "insert into kept values ('row')",
        ) == [1, None, None]
        client = _redis(services.redis_url)
        try:
            assert client.ping()
            client.set("kept", "key")
            assert client.config_get("save") == {"save": ""}
        finally:
            client.close()

        # One owner per data directory.
        with pytest.raises(EmbeddedServerError, match="in use by another process"):
            start_embedded(data_dir)

    assert not (data_dir / "postgres" / "postmaster.pid").exists()
    assert not (data_dir / "redis" / "redis.sock").exists()

    with embedded_services(data_dir) as services:
        assert _sql(services.database_url, "select v from kept") == ["row"]
        client = _redis(services.redis_url)
        try:
            assert client.get("kept") == b"key"
        finally:
            client.close()


def test_restart_after_redis_was_killed(data_dir: Path) -> None:
    with embedded_services(data_dir) as services:
        client = _redis(services.redis_url)
        try:
            client.set("kept", "key")
        finally:
            client.close()
        pid = int((data_dir / "redis" / "redis.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        while not _pid_is_gone(pid):
            time.sleep(0.01)
    # SIGKILL left the socket and pid file behind.
    assert (data_dir / "redis" / "redis.sock").is_socket()
    assert (data_dir / "redis" / "redis.pid").exists()

    with embedded_services(data_dir) as services:
        client = _redis(services.redis_url)
        try:
            assert client.get("kept") == b"key"  # written to the AOF before the reply
        finally:
            client.close()


_OWNER = """
import sys, time
from pathlib import Path
from complaints.local.embedded import start_embedded
services = start_embedded(Path(sys.argv[1]))
print("ready", flush=True)
time.sleep(60)
"""


def test_takes_over_after_the_owner_was_killed(data_dir: Path) -> None:
    # The owning process dies by SIGKILL: Postgres and Redis keep running, the pid files and
    # pgserver's handle list still name the dead owner.
    argv = [sys.executable, "-c", _OWNER, str(data_dir)]
    owner = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None
        assert owner.stdout.readline() == "ready\n"
    finally:
        owner.kill()
        owner.wait()
        if owner.stdout is not None:
            owner.stdout.close()
    orphan_redis = int((data_dir / "redis" / "redis.pid").read_text())
    assert not _pid_is_gone(orphan_redis)
    assert (data_dir / "postgres" / "postmaster.pid").exists()

    with embedded_services(data_dir) as services:
        assert _pid_is_gone(orphan_redis)
        assert _sql(services.database_url, "select 1") == [1]
        client = _redis(services.redis_url)
        try:
            assert client.ping()
        finally:
            client.close()
    # Stopped for good, although the dead owner had registered itself with pgserver too.
    assert not (data_dir / "postgres" / "postmaster.pid").exists()


def _point_pid_file_at(path: Path, pid: int) -> None:
    lines = path.read_text().split("\n")
    path.write_text("\n".join([str(pid), *lines[1:]]))


def test_restart_after_both_were_killed_and_their_pids_reused(data_dir: Path) -> None:
    pgdata = data_dir / "postgres"
    with embedded_services(data_dir) as services:
        _sql(services.database_url, "create table kept (v text)", "insert into kept values ('x')")
        for pid_file in (pgdata / "postmaster.pid", data_dir / "redis" / "redis.pid"):
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
            while not _pid_is_gone(pid):
                time.sleep(0.01)
    # As after a reboot: the stale pid files now name an unrelated, live process.
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for pid_file in (
            pgdata / "postmaster.pid",
            pgdata / ".s.PGSQL.5432.lock",
            data_dir / "redis" / "redis.pid",
        ):
            _point_pid_file_at(pid_file, bystander.pid)

        with embedded_services(data_dir) as services:
            assert _sql(services.database_url, "select v from kept") == ["x"]
            client = _redis(services.redis_url)
            try:
                assert client.ping()
            finally:
                client.close()
        assert bystander.poll() is None  # left alone
    finally:
        bystander.kill()
        bystander.wait()


def test_refuses_a_socket_path_that_is_too_long(data_dir: Path) -> None:
    too_deep = data_dir / ("d" * 100)
    with pytest.raises(EmbeddedServerError, match="too long for a unix socket"):
        start_embedded(too_deep)
    assert not too_deep.exists()  # nothing was started

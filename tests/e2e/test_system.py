"""The whole system as ops run it: `complaints up` with its three child processes."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from tests.factories import ADMIN_KEY, auth, complaint

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def system(settings: Settings, sessions: SessionFactory) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = {
        **os.environ,
        "COMPLAINTS_DATABASE_URL": settings.require_database_url(),
        "COMPLAINTS_REDIS_URL": settings.require_redis_url(),
        "COMPLAINTS_BOOTSTRAP_API_KEY": ADMIN_KEY,
        # Receipts (the development sender) and generated secrets: not into the work tree.
        "COMPLAINTS_DATA_DIR": str(settings.data_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "complaints.cli.main", "up", "--port", str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, "complaints up exited during start-up"
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the API did not become ready")
    yield process, base
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


async def wait_until_routed(client: httpx.AsyncClient, number: str) -> dict[str, object]:
    for _ in range(150):
        case: dict[str, object] = (await client.get(f"/v1/complaints/{number}")).json()
        if case["status"] == "assigned":
            return case
        await asyncio.sleep(0.1)
    raise AssertionError(f"{number} was not routed: {case}")


async def test_a_posted_complaint_is_routed_by_the_running_workers(
    system: tuple[subprocess.Popen[bytes], str],
) -> None:
    _, base = system
    async with httpx.AsyncClient(base_url=base, headers=auth(ADMIN_KEY)) as client:
        bodies = [
            complaint(content="手机银行转账失败，钱被扣了", demand=None, external_ref="CALL-A"),
            complaint(content="理财产品经理夸大收益，误导购买基金", demand=None, external_ref="CALL-B"),
            complaint(external_ref="CALL-C"),
        ]
        numbers = []
        for body in bodies:
            response = await client.post("/v1/complaints", json=body)
            assert response.status_code == 201
            numbers.append(response.json()["case_number"])

        cases = [await wait_until_routed(client, number) for number in numbers]

    assert [c["unit"] for c in cases] == ["HQ-EBANK", "HQ-WM", "HQ-CARD"]
    assert [c["assignee"] for c in cases] == ["EB001", "WM001", "CC001"]
    for case in cases:
        kinds = {d["kind"] for d in case["deadlines"]}  # type: ignore[attr-defined]
        assert kinds == {"first_response", "resolution", "regulatory"}


def test_sigterm_stops_every_process(system: tuple[subprocess.Popen[bytes], str]) -> None:
    process, base = system
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(children) == 3

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base}/healthz", timeout=1)

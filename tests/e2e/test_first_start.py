"""`complaints up` on an empty database, as a newcomer meets it: the demo bank, a past of
complaints for the reports, and staff who can sign in to the console."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.factories import auth
from tests.intake_api.console.helpers import sign_in
from tests.processes import free_port, wait_for

pytestmark = pytest.mark.e2e

HISTORY = 300


@pytest.fixture
def first_start(scratch_database: str, redis_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    env = {
        **os.environ,
        "COMPLAINTS_DATABASE_URL": scratch_database,
        "COMPLAINTS_REDIS_URL": redis_url,
        "COMPLAINTS_DATA_DIR": str(tmp_path),
        "COMPLAINTS_DEMO_HISTORY_CASES": str(HISTORY),
    }
    env.pop("COMPLAINTS_BOOTSTRAP_API_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "complaints.cli.main", "up", "--port", str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(base, process), timeout=120, what="complaints up", interval=0.3)
        yield base, tmp_path
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _ready(base: str, process: subprocess.Popen[bytes]) -> bool:
    assert process.poll() is None, "complaints up exited during start-up"
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


async def test_the_demo_starts_with_a_past_and_staff_who_can_sign_in(first_start: tuple[str, Path]) -> None:
    base, data_dir = first_start
    key = (data_dir / "api-key").read_text().strip()
    password_file = data_dir / "staff-password"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    half_year = {"from": str(today - timedelta(days=181)), "to": str(today)}

    async with httpx.AsyncClient(base_url=base, headers=auth(key)) as client:
        summary = (await client.get("/v1/reports/summary", params=half_year)).json()
    async with httpx.AsyncClient(base_url=base, follow_redirects=True) as browser:
        signed_in = await sign_in(browser, "CP001", password_file.read_text().strip())
        dashboard = await browser.get("/console/dashboard")

    assert summary["totals"]["volume"] == HISTORY
    assert summary["totals"]["resolved"] > 0
    assert password_file.stat().st_mode & 0o777 == 0o600
    assert signed_in.status_code == 200, signed_in.text
    assert dashboard.text.count("data-chart=") == 5

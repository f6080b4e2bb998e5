"""`complaints staff set-password` and the demo's staff password for `complaints up`."""

import asyncio
import io
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from complaints.cli import main as cli
from complaints.cli import staff as cli_staff
from complaints.db.engine import create_engine, create_session_factory
from complaints.security import staff
from complaints.settings import ConsoleSettings, Settings


async def _verify(database_url: str, staff_id: str, password: str) -> bool:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            return await staff.verify(session, staff_id=staff_id, password=password, now=datetime.now(UTC))
    finally:
        await engine.dispose()


def test_set_password_reads_stdin_and_only_for_configured_people(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["staff", "set-password", "LG001"]) == 0
    assert asyncio.run(_verify(database_url, "LG001", "a long enough password"))
    assert not asyncio.run(_verify(database_url, "LG001", "a long enough passwor"))

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["staff", "set-password", "NOBODY"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["staff", "set-password", "LG001"]) == 2
    assert "at least 8" in capsys.readouterr().err


def test_the_demo_password_is_configured_or_made_once_and_kept_private(tmp_path: Path) -> None:
    made = cli_staff.demo_password(Settings(data_dir=tmp_path))
    path = tmp_path / "staff-password"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli_staff.demo_password(Settings(data_dir=tmp_path)) == made
    configured = Settings(
        data_dir=tmp_path, console=ConsoleSettings(demo_staff_password=SecretStr("demo-pass"))
    )
    assert cli_staff.demo_password(configured) == "demo-pass"

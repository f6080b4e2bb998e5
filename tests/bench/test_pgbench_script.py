"""The intake benchmark's physical limit is honest only if pgbench runs the endpoint's own
transaction: capture it from the code, run it a few times, and see it open real cases."""

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from complaints.db.engine import SessionFactory
from complaints.db.models import Case, CaseEvent, OutboxMessage
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from tests.factories import make_key

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import harness
import pgbench_script


async def count(sessions: SessionFactory, model: type[object]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.skipif(
    not shutil.which("pgbench"), reason="pgbench (Debian's postgresql-client) is not installed"
)
async def test_pgbench_replays_the_intake_transaction(
    settings: Settings, sessions: SessionFactory, tmp_path: Path
) -> None:
    key = await make_key(sessions, scopes=set(Permission))
    captured = await pgbench_script.capture(
        settings.require_database_url(), settings.require_redis_url(), key, harness.BODY
    )
    script = pgbench_script.to_script(captured)
    assert script.text.startswith("\\set idem")
    assert "INSERT INTO cases " in script.text
    assert "INSERT INTO outbox " in script.text
    assert ":case_id" in script.text
    before = {model: await count(sessions, model) for model in (Case, CaseEvent, OutboxMessage)}

    result = await asyncio.to_thread(
        pgbench_script.run_pgbench,
        settings.require_database_url(),
        script,
        tmp_path / "intake.pgbench",
        clients=2,
        seconds=1,
    )

    assert result.transactions > 0
    assert result.failed == 0
    for model, was in before.items():
        assert await count(sessions, model) == was + result.transactions, model

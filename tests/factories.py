"""Small typed builders for test data and helpers that drive the real workers in-process."""

from datetime import date, datetime
from typing import Any

from arq.worker import Worker

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.jobs import queue
from complaints.now import Now
from complaints.schemas.keys import Permission
from complaints.security.api_keys import create_key
from complaints.settings import Settings
from routing_worker.settings import WORKER
from tests.clock import CLOCK, DEFAULT_DAY

ADMIN_KEY = "ck_test_admin_key_with_every_scope"
# The day the session's configuration is applied on (a test's own day is `clock.today`).
TODAY = DEFAULT_DAY


def complaint(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "hotline",
        "external_ref": "CALL-0001",
        "complainant": {"name": "张三", "phone": "13812345678"},
        "content": "信用卡年费未经同意被扣收",
        "demand": "退还年费",
    }
    body.update(overrides)
    return body


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def make_key(
    sessions: SessionFactory, *, scopes: set[Permission], unit: str | None = None, name: str | None = None
) -> str:
    async with unit_of_work(sessions) as session:
        return await create_key(
            session,
            name=name or f"test-{'-'.join(sorted(scopes))}-{unit or 'all'}",
            scopes=frozenset(scopes),
            unit_code=unit,
        )


async def run_routing_worker(settings: Settings, clock: Now = CLOCK) -> None:
    """The real routing worker, in burst mode: runs what is queued, then returns. It reads the
    time from the test's clock, as the API does."""
    worker = Worker(
        **{**WORKER, "cron_jobs": []},
        redis_settings=queue.redis_settings(settings.require_redis_url()),
        job_serializer=queue.serialize,
        job_deserializer=queue.deserialize,
        poll_delay=0.05,
        burst=True,
        handle_signals=False,
        ctx={"settings": settings, "clock": clock},
    )
    try:
        await worker.main()
    finally:
        await worker.close()


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in Asia/Shanghai."""
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))

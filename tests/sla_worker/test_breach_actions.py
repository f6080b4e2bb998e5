"""Breach actions from the policy, and exactly-once under several sweepers that crash and restart."""

import asyncio
import dataclasses
from collections import Counter
from datetime import datetime, timedelta

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import select

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent, Deadline, OutboxMessage
from complaints.deadlines.sweep import SweepResult, sweep_once
from complaints.domain.rulebook import Rulebook
from complaints.domain.vocabulary import BreachAction, DeadlineKind, DeadlineState
from complaints.settings import Settings
from sla_worker.jobs import holding_reply, notify_manager
from tests.clock import CLOCK
from tests.factories import complaint, run_routing_worker

NOTICES = ("notify_manager", "holding_reply")


@pytest.fixture
async def rulebook(sessions: SessionFactory, settings: Settings) -> Rulebook:
    async with sessions() as session:
        return await load_rulebook(session, zone=settings.zone)


async def open_cases(
    client: httpx.AsyncClient, settings: Settings, *, received: datetime, count: int
) -> None:
    for i in range(count):
        body = complaint(received_at=received.isoformat(), external_ref=f"CALL-{i}")
        assert (await client.post("/v1/complaints", json=body)).status_code == 201
    await run_routing_worker(settings)


async def sweep(
    sessions: SessionFactory, rulebook: Rulebook, *, now: datetime, batch: int = 1000
) -> SweepResult:
    async with unit_of_work(sessions) as session:
        return await sweep_once(session, now=now, batch=batch, rulebook=rulebook)


async def events(sessions: SessionFactory) -> list[CaseEvent]:
    async with sessions() as session:
        return list((await session.scalars(select(CaseEvent).order_by(CaseEvent.id))).all())


async def outbox_jobs(sessions: SessionFactory) -> Counter[str]:
    async with sessions() as session:
        return Counter(await session.scalars(select(OutboxMessage.job).where(OutboxMessage.job.in_(NOTICES))))


async def test_each_clock_sets_off_its_own_actions_in_order(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    await open_cases(client, settings, received=CLOCK() - timedelta(hours=1), count=1)

    result = await sweep(sessions, rulebook, now=CLOCK() + timedelta(days=400))

    after_breach = [(e.kind, e.data.get("deadline")) for e in await events(sessions) if e.actor == "sla"]
    assert after_breach == [
        ("deadline_breached", "first_response"),
        ("escalated", None),
        ("manager_notified", "first_response"),
        ("deadline_breached", "resolution"),
        ("escalated", None),
        ("manager_notified", "resolution"),
        ("holding_reply_queued", "resolution"),
        ("deadline_breached", "regulatory"),
        ("escalated", None),
        ("manager_notified", "regulatory"),
        ("severity_raised", "regulatory"),
        ("holding_reply_queued", "regulatory"),
    ]
    assert await outbox_jobs(sessions) == {"notify_manager": 3, "holding_reply": 2}
    assert result.notices == 5
    notified = [e.data["to"] for e in await events(sessions) if e.kind == "manager_notified"]
    assert notified == ["CC010"] * 3  # the card centre's manager
    async with sessions() as session:
        case = await session.scalar(select(Case))
    assert case is not None
    assert case.severity == "important"


async def test_raising_severity_re_plans_the_clocks_still_running(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    received = CLOCK() - timedelta(hours=1)
    await open_cases(client, settings, received=received, count=1)
    strict = dataclasses.replace(
        rulebook, breach_actions={DeadlineKind.FIRST_RESPONSE: (BreachAction.RAISE_SEVERITY,)}
    )

    await sweep(sessions, strict, now=received + timedelta(hours=24, seconds=1))

    async with sessions() as session:
        clocks = {d.kind: d for d in await session.scalars(select(Deadline))}
        case = await session.scalar(select(Case))
    assert case is not None
    assert (case.severity, case.escalation_level) == ("important", "handler")  # no escalation asked for
    assert clocks["first_response"].state == DeadlineState.BREACHED
    assert clocks["resolution"].period == "5 working_days"
    assert clocks["resolution"].state == DeadlineState.RUNNING
    assert await outbox_jobs(sessions) == {}
    kinds = [e.kind for e in await events(sessions) if e.actor == "sla"]
    assert kinds == ["deadline_breached", "severity_raised"]


async def test_a_case_at_the_top_keeps_its_severity_and_level(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    await open_cases(client, settings, received=CLOCK() - timedelta(hours=1), count=1)
    async with unit_of_work(sessions) as session:
        case = await session.scalar(select(Case))
        assert case is not None
        case.severity, case.escalation_level = "major", "leadership"

    await sweep(sessions, rulebook, now=CLOCK() + timedelta(days=400))

    kinds = Counter(e.kind for e in await events(sessions) if e.actor == "sla")
    assert kinds == {"deadline_breached": 3, "manager_notified": 3, "holding_reply_queued": 2}


async def test_breach_notices_finish_their_outbox_rows_once(
    client: httpx.AsyncClient,
    settings: Settings,
    sessions: SessionFactory,
    rulebook: Rulebook,
    redis: ArqRedis,
) -> None:
    await open_cases(client, settings, received=CLOCK() - timedelta(hours=1), count=1)
    await sweep(sessions, rulebook, now=CLOCK() + timedelta(days=400))
    context = {"sessions": sessions, "settings": settings, "redis": redis, "clock": CLOCK}
    async with sessions() as session:
        queued = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.job.in_(NOTICES))))

    for message in queued:
        job = notify_manager if message.job == "notify_manager" else holding_reply
        for _ in range(2):  # jobs may run twice
            assert await job(context, {**message.payload, "outbox_id": message.id})

    async with sessions() as session:
        pending = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.job != "route_case", OutboxMessage.processed_at.is_(None)
            )
        )
        assert list(pending) == []


class Crash(Exception):
    """A sweeper dying in the middle of its transaction."""


async def test_several_sweepers_that_crash_and_restart_record_everything_exactly_once(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    start = CLOCK() - timedelta(minutes=1)
    await open_cases(client, settings, received=start, count=12)

    async def sweeper(number: int, now: datetime) -> None:
        # Small batches so the sweepers meet on the same rows; every third one crashes once.
        while True:
            try:
                async with unit_of_work(sessions) as session:
                    result = await sweep_once(session, now=now, batch=5, rulebook=rulebook)
                    if number % 3 == 0 and result.claimed and now.hour % 2 == 0:
                        raise Crash
            except Crash:
                number += 1  # restarted: the next run does not crash
                continue
            if result.claimed < 5:
                return

    step = timedelta(hours=5)
    moment = start
    while moment < start + timedelta(days=30):
        moment += step
        await asyncio.gather(*(sweeper(n, moment) for n in range(4)))

    recorded = await events(sessions)
    breaches = Counter((e.case_id, e.data["deadline"]) for e in recorded if e.kind == "deadline_breached")
    warnings = Counter(
        (e.case_id, e.data["deadline"], e.data["level"]) for e in recorded if e.kind == "deadline_warned"
    )
    async with sessions() as session:
        clocks = list(await session.scalars(select(Deadline)))
    assert len(breaches) == len(clocks) == 36
    assert set(breaches.values()) == {1}
    assert set(warnings.values()) == {1}
    assert all(d.state == DeadlineState.BREACHED and d.next_check_at is None for d in clocks)
    assert await outbox_jobs(sessions) == {"notify_manager": 36, "holding_reply": 24}
    escalations = Counter(e.case_id for e in recorded if e.kind == "escalated")
    assert set(escalations.values()) == {3}

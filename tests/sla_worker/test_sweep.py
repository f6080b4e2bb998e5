"""Warnings and breaches are recorded once, even with two sweepers; a breach escalates."""

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent, Deadline
from complaints.deadlines.sweep import SweepResult, sweep_once
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.factories import complaint, run_routing_worker


async def open_routed(
    client: httpx.AsyncClient, settings: Settings, *, hours_ago: float, count: int = 1
) -> list[str]:
    received = (CLOCK() - timedelta(hours=hours_ago)).isoformat()
    numbers = [
        (
            await client.post(
                "/v1/complaints", json=complaint(received_at=received, external_ref=f"CALL-{i}")
            )
        ).json()["case_number"]
        for i in range(count)
    ]
    await run_routing_worker(settings)
    return numbers


async def sweep(sessions: SessionFactory, settings: Settings, *, now: datetime | None = None) -> SweepResult:
    async with unit_of_work(sessions) as session:
        rulebook = await load_rulebook(session, zone=settings.zone)
        return await sweep_once(session, now=now or CLOCK(), batch=1000, rulebook=rulebook)


async def events(sessions: SessionFactory, kind: str) -> list[CaseEvent]:
    async with sessions() as session:
        return list((await session.scalars(select(CaseEvent).where(CaseEvent.kind == kind))).all())


async def test_a_first_response_past_half_its_time_is_warned_once(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    await open_routed(client, settings, hours_ago=13)  # 24 h clock: 50 % passed, 80 % not

    first = await sweep(sessions, settings)
    second = await sweep(sessions, settings)

    warnings = await events(sessions, "deadline_warned")
    assert [(w.data["deadline"], w.data["level"]) for w in warnings] == [("first_response", 1)]
    assert (first.warned, second.warned) == (1, 0)
    async with sessions() as session:
        clock = await session.scalar(select(Deadline).where(Deadline.kind == "first_response"))
    assert clock is not None
    assert clock.state == "warned"
    assert clock.next_check_at == clock.warn_at[1]


@pytest.mark.calendar
async def test_a_breach_is_recorded_once_and_escalates_to_the_unit_manager(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    [number] = await open_routed(client, settings, hours_ago=25)

    await sweep(sessions, settings)
    await sweep(sessions, settings)

    breaches = await events(sessions, "deadline_breached")
    assert [b.data["deadline"] for b in breaches] == ["first_response"]
    escalations = await events(sessions, "escalated")
    assert [(e.data["to_level"], e.data["to"]) for e in escalations] == [("unit_manager", "CC010")]
    case = (await client.get(f"/v1/complaints/{number}")).json()
    states = {d["kind"]: d["state"] for d in case["deadlines"]}
    assert states["first_response"] == "breached"
    assert states["regulatory"] == "running"
    # Both warnings were due too; they are announced before the breach, never after it.
    assert len(await events(sessions, "deadline_warned")) == 0


async def test_further_breaches_climb_the_ladder_and_stop_at_the_top(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    await open_routed(client, settings, hours_ago=1)
    far_future = CLOCK() + timedelta(days=400)

    await sweep(sessions, settings, now=far_future)  # all three clocks breach at once

    levels = [e.data["to_level"] for e in await events(sessions, "escalated")]
    assert levels == ["unit_manager", "consumer_protection_head", "leadership"]
    async with sessions() as session:
        case = await session.scalar(select(Case))
    assert case is not None
    assert case.escalation_level == "leadership"


async def test_two_sweepers_never_announce_the_same_breach_twice(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    await open_routed(client, settings, hours_ago=30, count=40)

    results = await asyncio.gather(*(sweep(sessions, settings) for _ in range(2)))

    async with sessions() as session:
        per_clock = (
            await session.execute(
                select(CaseEvent.case_id, func.count())
                .where(CaseEvent.kind == "deadline_breached")
                .group_by(CaseEvent.case_id)
            )
        ).all()
    assert len(per_clock) == 40
    assert all(n == 1 for _, n in per_clock)
    assert sum(r.breached for r in results) == 40

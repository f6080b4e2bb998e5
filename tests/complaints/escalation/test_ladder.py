"""The automatic escalation rules against real Postgres: the unaccepted-case ladder, 提级督办
after three returns or transfers, leadership alerts and the incident-report deadline."""

import asyncio
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent
from complaints.escalation.ladder import sweep_unaccepted
from complaints.settings import Settings
from tests.intake_api.handling import clocks, events, ok, resolved, routed

LADDER = (15, 30, 60)


async def sweep(sessions: SessionFactory, settings: Settings, *, at: datetime) -> int:
    async with unit_of_work(sessions) as session:
        rulebook = await load_rulebook(session, zone=settings.zone)
        return await sweep_unaccepted(session, now=at, minutes=LADDER, rulebook=rulebook, batch=100)


async def assigned_at(sessions: SessionFactory, number: str) -> datetime:
    async with sessions() as session:
        moment = await session.scalar(select(Case.assigned_at).where(Case.case_number == number))
    assert moment is not None
    return moment


async def escalations(client: httpx.AsyncClient, number: str) -> list[tuple[str, str | None, str]]:
    return [
        (e["data"]["to_level"], e["data"]["to"], e["data"]["rule"])
        for e in await events(client, number)
        if e["kind"] == "escalated"
    ]


async def test_an_unaccepted_case_climbs_the_ladder_at_15_30_and_60_minutes(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await routed(client, settings)
    start = await assigned_at(sessions, number)

    climbed = [
        await sweep(sessions, settings, at=start + timedelta(minutes=m)) for m in (14, 15, 16, 30, 45, 60, 90)
    ]

    assert climbed == [0, 1, 0, 1, 0, 1, 0]
    assert await escalations(client, number) == [
        ("unit_manager", "CC010", "unaccepted"),
        ("consumer_protection_head", "CP090", "unaccepted"),
        ("leadership", "EX001", "unaccepted"),
    ]
    first = next(e for e in await events(client, number) if e["kind"] == "escalated")
    assert first["reason"] == "not accepted 15 minutes after it was assigned to HQ-CARD"
    assert first["actor"] == "escalation"


async def test_a_sweeper_that_was_down_catches_up_in_one_climb(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await routed(client, settings)
    start = await assigned_at(sessions, number)

    assert await sweep(sessions, settings, at=start + timedelta(minutes=40)) == 1

    assert await escalations(client, number) == [("consumer_protection_head", "CP090", "unaccepted")]


async def test_an_accepted_case_does_not_climb(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await routed(client, settings)
    start = await assigned_at(sessions, number)
    await ok(client, number, "accept")

    assert await sweep(sessions, settings, at=start + timedelta(hours=5)) == 0


async def test_a_transfer_starts_the_wait_again(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await routed(client, settings)
    start = await assigned_at(sessions, number)
    await sweep(sessions, settings, at=start + timedelta(minutes=20))
    await ok(client, number, "transfer", unit="HQ-OPS", reason="转办")
    moved = await assigned_at(sessions, number)

    assert await sweep(sessions, settings, at=moved + timedelta(minutes=10)) == 0
    assert await sweep(sessions, settings, at=moved + timedelta(minutes=15)) == 1
    # Already with the unit manager (of the old unit); the new unit's wait brings nothing lower.
    levels = [level for level, _, _ in await escalations(client, number)]
    assert levels == ["unit_manager", "unit_manager"]


async def test_two_sweepers_escalate_each_case_once(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    numbers = [await routed(client, settings, external_ref=f"CALL-{i}") for i in range(6)]
    latest = max([await assigned_at(sessions, n) for n in numbers])

    results = await asyncio.gather(
        *(sweep(sessions, settings, at=latest + timedelta(minutes=16)) for _ in range(2))
    )

    assert sum(results) == 6
    async with sessions() as session:
        kinds = (await session.scalars(select(CaseEvent.case_id).where(CaseEvent.kind == "escalated"))).all()
    assert sorted(kinds) == sorted(set(kinds))


async def test_the_third_return_brings_in_consumer_protection(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await resolved(client, settings)
    for round_ in range(3):
        await ok(client, number, "return", reason=f"第{round_ + 1}次退回")
        if round_ < 2:
            await ok(client, number, "resolve", outcome="explanation", verdict="unfounded", reply="重新答复")

    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert case["handling"]["return_count"] == 3
    assert case["handling"]["escalation_level"] == "consumer_protection_head"
    assert await escalations(client, number) == [("consumer_protection_head", "CP090", "supervision")]
    supervision = next(e for e in await events(client, number) if e["kind"] == "escalated")
    assert "returned for rework 3 times" in supervision["reason"]


async def test_the_third_transfer_brings_in_consumer_protection_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)
    for unit in ("HQ-OPS", "HQ-LOAN", "HQ-WM", "HQ-EBANK"):
        await ok(client, number, "transfer", unit=unit, reason="转办")

    assert await escalations(client, number) == [("consumer_protection_head", "CP090", "supervision")]
    trail = await events(client, number)
    third = [i for i, e in enumerate(trail) if e["kind"] == "transferred"][2]
    assert trail[third + 1]["kind"] == "escalated"  # right after the action that fired it


async def test_media_and_major_cases_are_reported_to_leadership_at_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    media = await routed(client, settings, content="信用卡年费乱收费，我要找记者曝光")
    plain = await routed(client, settings, external_ref="CALL-0002")
    group = await routed(
        client, settings, content="我们几十人集体投诉理财产品误导", demand=None, external_ref="CALL-0003"
    )

    alerts = {
        number: [e for e in await events(client, number) if e["kind"] == "leadership_notified"]
        for number in (media, plain, group)
    }

    assert [a["data"]["because"] for a in alerts[media]] == [["media"]]
    assert alerts[media][0]["data"]["to"] == ["EX001"]
    assert alerts[plain] == []
    assert [a["data"]["because"] for a in alerts[group]] == [["group", "major"]]


async def test_an_aggressive_incident_opens_a_three_day_incident_report_deadline(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(
        client, settings, content="客户在网点辱骂柜员并砸坏设备", demand=None, branch_code="BR-001"
    )

    case = (await client.get(f"/v1/complaints/{number}")).json()

    assert "aggressive" in case["flags"]
    assert clocks(case)["incident_report"] == "running"
    report = next(d for d in case["deadlines"] if d["kind"] == "incident_report")
    assert report["period"] == "3 days"
    started = next(e for e in await events(client, number) if e["kind"] == "deadline_started")
    assert started["data"]["deadline"] == "incident_report"

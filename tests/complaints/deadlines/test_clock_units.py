"""services/clocks.py with each unit: exact pauses, and pauses that survive re-planning."""

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, Deadline
from complaints.deadlines import clocks
from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.rulebook import Clock, Rulebook
from complaints.domain.vocabulary import DeadlineKind, DeadlineState, Severity
from complaints.domain.working_time import working_time_between
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.factories import complaint, run_routing_worker

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
async def rulebook(sessions: SessionFactory, settings: Settings) -> Rulebook:
    """The demo rulebook, with first response counted in 8 working hours."""
    async with sessions() as session:
        demo = await load_rulebook(session, zone=settings.zone)
    return dataclasses.replace(
        demo,
        clocks={
            **demo.clocks,
            (DeadlineKind.FIRST_RESPONSE, Severity.GENERAL): Clock(
                Period(8, PeriodUnit.WORKING_HOURS), (0.5, 0.8)
            ),
        },
    )


async def received_on(client: httpx.AsyncClient, settings: Settings, moment: datetime) -> str:
    """A case received at `moment` (a back-dated hotline call), routed with the demo policy."""
    body = complaint(received_at=moment.isoformat())
    number: str = (await client.post("/v1/complaints", json=body)).json()["case_number"]
    await run_routing_worker(settings)
    return number


async def on_case(
    sessions: SessionFactory, number: str, action: str, **kwargs: object
) -> dict[DeadlineKind, Deadline]:
    async with unit_of_work(sessions) as session:
        case = await session.scalar(select(Case).where(Case.case_number == number).with_for_update())
        assert case is not None
        if action:
            await getattr(clocks, action)(session, case=case, **kwargs)
        return await clocks.clocks_of(session, case=case)


async def test_working_hours_pause_moves_the_due_time_by_the_working_time_paused(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    number = await received_on(client, settings, at(3, 13, 16))  # Friday 16:00
    plan = clocks.plan_for(
        DeadlineKind.FIRST_RESPONSE, start=at(3, 13, 16), severity=Severity.GENERAL, rulebook=rulebook
    )
    assert plan is not None
    await on_case(sessions, number, "start", plan=plan)
    before = (await on_case(sessions, number, ""))[DeadlineKind.FIRST_RESPONSE]
    assert (before.due_at, before.unit, before.amount) == (at(3, 16, 17), "working_hours", 8)
    assert before.warn_at[0] == at(3, 16, 11, 30)  # half the working time, not Sunday

    await on_case(sessions, number, "pause", now=at(3, 13, 17))  # Fri 17:00
    after = await on_case(sessions, number, "resume", now=at(3, 16, 10), rulebook=rulebook)  # Mon 10:00

    first = after[DeadlineKind.FIRST_RESPONSE]
    assert first.state == DeadlineState.RUNNING
    assert first.due_at == at(3, 17, 10)  # Mon 17:00 + 1.5 working hours
    calendar = rulebook.calendar
    assert working_time_between(start=before.due_at, end=first.due_at, calendar=calendar) == timedelta(
        hours=1, minutes=30
    )
    assert first.excluded == 90 * 60 * 1_000_000
    assert first.next_check_at == first.warn_at[0]
    # Resolution (7 working days from Friday, to Tue 03-24) lost Friday to the pause: Wed 03-25.
    assert after[DeadlineKind.RESOLUTION].due_at == at(3, 26)
    assert after[DeadlineKind.RESOLUTION].excluded == 1


async def test_an_extension_and_a_new_severity_keep_the_paused_time(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    number = await received_on(client, settings, at(3, 3, 10))  # Tue 03-03
    await on_case(sessions, number, "pause", now=at(3, 5, 11))
    paused = await on_case(sessions, number, "resume", now=at(3, 8, 20), rulebook=rulebook)
    assert paused[DeadlineKind.REGULATORY].due_at == at(3, 24)  # 15 + 3 days, Sat → Mon
    assert paused[DeadlineKind.REGULATORY].excluded == 3

    extended = await on_case(
        sessions,
        number,
        "extend",
        kind=DeadlineKind.REGULATORY,
        total=Period(30, PeriodUnit.DAYS),
        rulebook=rulebook,
    )
    # 30 + 3 days from 03-03 is Mon 04-05 — Qingming (04-04..06 closed), so Tue 04-07.
    assert extended[DeadlineKind.REGULATORY].due_at == at(4, 8)
    assert extended[DeadlineKind.REGULATORY].excluded == 3

    resolution_before = paused[DeadlineKind.RESOLUTION].excluded
    raised = await on_case(sessions, number, "reprioritise", severity=Severity.IMPORTANT, rulebook=rulebook)
    assert raised[DeadlineKind.RESOLUTION].excluded == resolution_before == 2  # Thu, Fri
    assert raised[DeadlineKind.RESOLUTION].period == "5 working_days"
    # 5 + 2 working days from Tue 03-03 end on Thu 03-12.
    assert raised[DeadlineKind.RESOLUTION].due_at == at(3, 13)


async def test_a_paused_clock_stays_paused_through_an_extension(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    number = await received_on(client, settings, CLOCK() - timedelta(hours=1))
    await on_case(sessions, number, "pause", now=CLOCK())

    extended = await on_case(
        sessions,
        number,
        "extend",
        kind=DeadlineKind.REGULATORY,
        total=Period(30, PeriodUnit.DAYS),
        rulebook=rulebook,
    )
    raised = await on_case(sessions, number, "reprioritise", severity=Severity.URGENT, rulebook=rulebook)

    regulatory = extended[DeadlineKind.REGULATORY]
    assert (regulatory.state, regulatory.next_check_at) == (DeadlineState.PAUSED, None)
    assert regulatory.paused_at is not None
    assert raised[DeadlineKind.FIRST_RESPONSE].state == DeadlineState.PAUSED
    assert raised[DeadlineKind.FIRST_RESPONSE].period == "2 hours"


async def test_promises_and_upstream_deadlines_keep_running_and_overdue_clocks_are_not_paused(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    now = CLOCK()
    number = await received_on(client, settings, now - timedelta(hours=30))  # first response overdue
    await on_case(
        sessions,
        number,
        "start_fixed",
        kind=DeadlineKind.PROMISE,
        due=now + timedelta(days=2),
        label="told",
        now=now,
    )

    after = await on_case(sessions, number, "pause", now=now)

    assert after[DeadlineKind.PROMISE].state == DeadlineState.RUNNING
    assert after[DeadlineKind.PROMISE].unit is None
    assert after[DeadlineKind.FIRST_RESPONSE].state == DeadlineState.RUNNING  # the sweep breaches it
    assert after[DeadlineKind.FIRST_RESPONSE].next_check_at is not None
    assert after[DeadlineKind.RESOLUTION].state == DeadlineState.PAUSED


async def test_resume_gives_back_the_working_days_of_the_rulebook_calendar(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, rulebook: Rulebook
) -> None:
    number = await received_on(client, settings, at(3, 9, 9))  # Mon 03-09
    await on_case(sessions, number, "pause", now=at(3, 11, 15))
    after = await on_case(sessions, number, "resume", now=at(3, 16, 9), rulebook=rulebook)
    # 7 working days to Wed 03-18, plus Wed, Thu, Fri given back: Mon 03-23.
    assert after[DeadlineKind.RESOLUTION].due_at == at(3, 24)
    assert after[DeadlineKind.RESOLUTION].excluded == 3

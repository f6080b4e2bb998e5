"""A case's clocks through pause, resume, meeting, extension and a change of severity."""

from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case
from complaints.deadlines import clocks
from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.vocabulary import DeadlineKind, DeadlineState, Severity
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.factories import complaint, run_routing_worker


@pytest.fixture
async def routed_case(client: httpx.AsyncClient, settings: Settings) -> str:
    number: str = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]
    await run_routing_worker(settings)
    return number


async def load(
    sessions: SessionFactory, number: str
) -> dict[DeadlineKind, tuple[str, datetime, datetime | None]]:
    async with sessions() as session:
        case = await session.scalar(select(Case).where(Case.case_number == number))
        assert case is not None
        return {
            kind: (d.state, d.due_at, d.next_check_at)
            for kind, d in (await clocks.clocks_of(session, case=case)).items()
        }


async def act(
    sessions: SessionFactory, number: str, settings: Settings, action: str, **kwargs: object
) -> None:
    async with unit_of_work(sessions) as session:
        case = await session.scalar(select(Case).where(Case.case_number == number).with_for_update())
        assert case is not None
        rulebook = await load_rulebook(session, zone=settings.zone)
        if action in {"extend", "reprioritise", "resume"}:
            kwargs["rulebook"] = rulebook
        await getattr(clocks, action)(session, case=case, **kwargs)


async def test_a_pause_stops_the_clocks_and_resuming_moves_them_by_the_pause(
    routed_case: str, sessions: SessionFactory, settings: Settings
) -> None:
    before = await load(sessions, routed_case)
    paused_at = CLOCK()

    await act(sessions, routed_case, settings, "pause", now=paused_at)
    paused = await load(sessions, routed_case)
    await act(sessions, routed_case, settings, "resume", now=paused_at + timedelta(hours=3))
    resumed = await load(sessions, routed_case)

    assert {state for state, _, check in paused.values() if check is None} == {DeadlineState.PAUSED}
    for kind in before:
        assert resumed[kind][0] == DeadlineState.RUNNING
        assert resumed[kind][2] is not None
    # Elapsed hours move by exactly the pause; day clocks by the whole days it spanned (0 or 1).
    assert resumed[DeadlineKind.FIRST_RESPONSE][1] == before[DeadlineKind.FIRST_RESPONSE][1] + timedelta(
        hours=3
    )
    for kind in (DeadlineKind.RESOLUTION, DeadlineKind.REGULATORY):
        moved = resumed[kind][1] - before[kind][1]
        assert moved >= timedelta(0)
        assert moved.total_seconds() % 86_400 == 0


async def test_meeting_a_clock_takes_it_off_the_sweep(
    routed_case: str, sessions: SessionFactory, settings: Settings
) -> None:
    await act(sessions, routed_case, settings, "meet", kinds=[DeadlineKind.FIRST_RESPONSE], now=CLOCK())

    after = await load(sessions, routed_case)
    assert after[DeadlineKind.FIRST_RESPONSE][0] == DeadlineState.MET
    assert after[DeadlineKind.FIRST_RESPONSE][2] is None
    assert after[DeadlineKind.RESOLUTION][0] == DeadlineState.RUNNING


@pytest.mark.parametrize(
    ("received", "fifteen_days_end", "thirty_days_end"),
    [
        # Working days at both ends: the extension adds exactly fifteen days.
        ("2026-03-02T10:00:00+08:00", "2026-03-18T00:00:00+08:00", "2026-04-02T00:00:00+08:00"),
        # Day 15 is National Day (10-01): it ends on the first working day after the holiday.
        ("2026-09-16T10:00:00+08:00", "2026-10-09T00:00:00+08:00", "2026-10-17T00:00:00+08:00"),
    ],
)
async def test_extending_the_regulatory_clock_counts_thirty_days_from_acceptance(
    client: httpx.AsyncClient,
    sessions: SessionFactory,
    settings: Settings,
    received: str,
    fifteen_days_end: str,
    thirty_days_end: str,
) -> None:
    # A fixed acceptance day, so the expected ends do not depend on the day the suite runs.
    response = await client.post("/v1/complaints", json=complaint(received_at=received))
    number = response.json()["case_number"]
    await run_routing_worker(settings)
    before = await load(sessions, number)

    await act(
        sessions,
        number,
        settings,
        "extend",
        kind=DeadlineKind.REGULATORY,
        total=Period(30, PeriodUnit.DAYS),
    )

    after = await load(sessions, number)
    assert before[DeadlineKind.REGULATORY][1] == datetime.fromisoformat(fifteen_days_end)
    assert after[DeadlineKind.REGULATORY][1] == datetime.fromisoformat(thirty_days_end)


async def test_a_higher_severity_shortens_the_first_response_clock(
    routed_case: str, sessions: SessionFactory, settings: Settings
) -> None:
    before = await load(sessions, routed_case)

    await act(sessions, routed_case, settings, "reprioritise", severity=Severity.IMPORTANT)

    after = await load(sessions, routed_case)
    assert before[DeadlineKind.FIRST_RESPONSE][1] - after[DeadlineKind.FIRST_RESPONSE][1] == timedelta(
        hours=16
    )
    assert after[DeadlineKind.REGULATORY] == before[DeadlineKind.REGULATORY]

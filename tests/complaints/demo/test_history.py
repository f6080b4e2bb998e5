"""The demo bank's generated past: the promised mix, loadable twice, one seed one history,
and the report facts count what was generated."""

import pytest
from sqlalchemy import func, select, text

from complaints.cli import main as cli
from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent, CaseLink, Deadline, report_case_facts
from complaints.demo import history
from complaints.domain.events import EventKind
from complaints.settings import Settings
from tests.clock import DEFAULT_DAY, start_of

CASES = 500
DAYS = 60
NOW = start_of(DEFAULT_DAY)


async def load(sessions: SessionFactory, settings: Settings, *, seed: int = 14) -> history.Tally:
    async with unit_of_work(sessions) as session:
        rulebook = await load_rulebook(session, zone=settings.zone)
        return await history.load(
            session,
            rulebook=rulebook,
            cases=CASES,
            days=DAYS,
            end=rulebook.calendar.local_date(NOW),
            seed=seed,
            now=NOW,
        )


async def scalar(sessions: SessionFactory, query: object) -> int:
    async with sessions() as session:
        return int(await session.scalar(query) or 0)  # type: ignore[call-overload]


async def test_the_history_has_the_promised_mix(sessions: SessionFactory, settings: Settings) -> None:
    tally = await load(sessions, settings)

    assert tally.cases == CASES
    assert 0 < tally.late < tally.on_time
    assert 0 < tally.overdue < tally.open < CASES // 5
    for share in (tally.transferred, tally.returned, tally.reopened, tally.repeats, tally.group):
        assert 0 < share < CASES // 5
    assert 0 < tally.dissatisfied_callbacks < tally.satisfied < tally.answered + 1
    assert await scalar(sessions, select(func.count()).where(Case.case_number.like("HX%"))) == CASES
    # Nobody real: nothing sealed, made-up identity hashes.
    assert await scalar(sessions, select(func.count()).where(Case.complainant_name.is_not(None))) == 0
    assert await scalar(sessions, select(func.count()).where(Case.complainant_phone_hash.is_(None))) == 0
    assert await scalar(sessions, select(func.count()).select_from(Deadline)) == 3 * CASES
    links = select(func.count()).select_from(CaseLink)
    assert await scalar(sessions, links.where(CaseLink.kind == "repeat")) == tally.repeats
    assert await scalar(sessions, links) == tally.links
    breaches = select(func.count(func.distinct(CaseEvent.case_id))).where(
        CaseEvent.kind == "deadline_breached", CaseEvent.data["deadline"].astext == "resolution"
    )
    assert await scalar(sessions, breaches) == tally.late
    dissatisfied = select(func.count()).where(
        CaseEvent.kind == "called_back", CaseEvent.data["reopened"].as_boolean()
    )
    assert await scalar(sessions, dissatisfied) == tally.dissatisfied_callbacks
    assert await scalar(sessions, select(func.count()).select_from(CaseEvent)) == tally.events
    # The generated trail speaks the live vocabulary, and its breach climbs name their clock.
    climbs = select(CaseEvent.data["rule"].astext).where(CaseEvent.kind == EventKind.ESCALATED)
    async with sessions() as session:
        kinds = set((await session.scalars(select(CaseEvent.kind).distinct())).all())
        rules = set((await session.scalars(climbs.distinct())).all())
    assert kinds <= set(EventKind)
    assert rules
    assert all(rule.startswith("breach:") for rule in rules)


async def test_the_report_facts_count_what_was_generated(
    sessions: SessionFactory, settings: Settings
) -> None:
    tally = await load(sessions, settings)

    async with sessions() as session:
        facts = (
            await session.execute(
                text(
                    """
                    SELECT count(*) AS cases,
                           count(*) FILTER (WHERE timeliness = 'late') AS late,
                           count(*) FILTER (WHERE timeliness = 'on_time') AS on_time,
                           count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
                           count(*) FILTER (WHERE transfer_count > 0) AS transferred,
                           count(*) FILTER (WHERE return_count > 0) AS returned,
                           count(*) FILTER (WHERE reopen_count > 0) AS reopened,
                           count(*) FILTER (WHERE is_repeat) AS repeats,
                           count(*) FILTER (WHERE is_group) AS "group",
                           count(*) FILTER (WHERE satisfaction IS NOT NULL) AS answered,
                           count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically_satisfied'))
                             AS satisfied
                      FROM report_case_facts
                    """
                )
            )
        ).one()
        in_view = await session.scalar(select(func.count()).select_from(report_case_facts))

    assert in_view == CASES
    assert facts._asdict() == {name: getattr(tally, name) for name in facts._fields}


async def test_it_loads_twice_side_by_side(sessions: SessionFactory, settings: Settings) -> None:
    sequence = text("SELECT last_value FROM case_number_seq")
    before = await scalar(sessions, sequence)
    await load(sessions, settings)
    await load(sessions, settings)

    distinct = select(func.count(func.distinct(Case.case_number)))
    assert await scalar(sessions, distinct) == 2 * CASES
    # Live intake's case-number sequence is left where it was.
    assert await scalar(sessions, sequence) == before


async def test_one_seed_gives_one_history(sessions: SessionFactory, settings: Settings) -> None:
    async with sessions() as session:
        rulebook = await load_rulebook(session, zone=settings.zone)

    def rows(seed: int) -> list[dict[str, list[history.Row]]]:
        generator = history.Generator(rulebook=rulebook, seed=seed, now=NOW)
        end = rulebook.calendar.local_date(NOW)
        times = history.receipt_times(
            generator.rng, count=200, days=DAYS, end=end, now=NOW, rulebook=rulebook
        )
        return list(generator.rows(range(1, 201), times))

    assert rows(3) == rows(3)
    assert rows(3) != rows(4)


def test_the_command_loads_a_history_ending_on_a_given_day(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)

    code = cli.main(["demo", "history", "--cases", "50", "--days", "10", "--end", "2026-06-30"])

    assert code == 0
    assert "loaded 50 past cases (0 still open" in capsys.readouterr().out

"""The measures of docs/measures.md on a hand-built month of cases, each written down with
how it must count. The cases are rows as the services leave them (status, counters, clocks,
events), so the facts view and the report service are checked together."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent, CaseLink, Deadline
from complaints.domain.measures import Measure
from complaints.domain.report_window import Grain, window
from complaints.reports import facts as report_facts
from complaints.reports import queries as reports
from complaints.schemas.config import ReportingConfig
from complaints.schemas.keys import Permission
from complaints.schemas.reports import ClusterKind, Dimension, LeagueBy, MeasureValue
from complaints.security.api_keys import Principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = window(date(2026, 10, 1), date(2026, 10, 31))
EVERYONE = Principal(key_id=0, name="test", scopes=frozenset({Permission.REPORTS}), unit_code=None)
NOW = datetime(2026, 11, 20, 12, tzinfo=SHANGHAI)
UNFILTERED = reports.Filters()


def on(day: int, hour: int = 10, *, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@dataclass
class Story:
    """One case as the services would have left it."""

    number: str
    received: datetime
    status: str = "closed"
    unit: str = "HQ-CARD"
    branch: str | None = None
    assignee: str | None = "CC001"
    cause: str = "fees"
    flags: Sequence[str] = ()
    transfers: int = 0
    returns: int = 0
    resolved: datetime | None = None
    satisfaction: str | None = None
    due: datetime | None = None  # the resolution clock
    met: datetime | None = None
    breached: datetime | None = None
    merged_into: str | None = None
    events: Sequence[tuple[str, dict[str, object]]] = field(default_factory=tuple)


STORIES = [
    # A: resolved on time at first contact, satisfied.
    Story("A", on(2), resolved=on(3), met=on(3), due=on(9), satisfaction="satisfied"),
    # B: resolved on time, reopened on new facts (the clock restarts), resolved on time again,
    # basically satisfied: on time, reworked, not first-contact.
    Story(
        "B",
        on(5),
        resolved=on(20),
        met=on(20),
        due=on(25),
        satisfaction="basically_satisfied",
        events=[("reopened", {})],
    ),
    # C: transferred once, resolved after the due time, the complainant dissatisfied: the
    # callback reopened it and no new answer yet → late, reworked, dissatisfied.
    Story(
        "C",
        on(6),
        status="in_progress",
        cause="service",
        transfers=1,
        resolved=on(19),
        due=on(16),
        met=None,
        breached=on(16, 11),
        events=[
            ("deadline_breached", {"deadline": "resolution"}),
            ("called_back", {"satisfaction": "dissatisfied", "reopened": True}),
        ],
    ),
    # D: open, its clock ran out before the snapshot but no sweep has breached it yet → late;
    # a repeat of A.
    Story("D", on(10), status="in_progress", cause="service", due=on(17), flags=["repeat"]),
    # E: open, not due yet at the snapshot → not counted for timeliness.
    Story("E", on(30), status="accepted", cause="service", due=on(30, month=12)),
    # F: withdrawn → in the volume, out of timeliness.
    Story("F", on(12), status="withdrawn", cause="rules", met=on(13), due=on(26)),
    # G: merged into A → counted once, through A.
    Story("G", on(2, 11), status="merged", merged_into="A", met=on(3), due=on(9)),
    # H: breached, then reopened and resolved in its restarted time → late all the same.
    Story(
        "H",
        on(8),
        resolved=on(28),
        met=on(28),
        due=on(29),
        events=[("deadline_breached", {"deadline": "resolution"}), ("reopened", {})],
    ),
    # I: received on 1 November just after midnight in Shanghai → not October.
    Story(
        "I",
        datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI),
        resolved=on(2, month=11),
        met=on(2, month=11),
        due=on(9, month=11),
    ),
    # J: a branch's case, returned once for rework, resolved on time, no callback answer.
    Story(
        "J",
        on(31, 23),
        unit="BR-001",
        branch="BR-001",
        assignee="E001",
        cause="service",
        returns=1,
        resolved=on(5, month=11),
        met=on(5, month=11),
        due=on(14, month=11),
    ),
]


async def write(
    sessions: SessionFactory, stories: Sequence[Story], *, refresh: bool = True
) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with unit_of_work(sessions) as session:
        for story in sorted(stories, key=lambda s: s.merged_into is not None):
            case = Case(
                case_number=story.number,
                status=story.status,
                channel="hotline",
                source="direct",
                received_at=story.received,
                content="…",
                severity="general",
                escalation_level="handler",
                flags=list(story.flags),
                business_type="bank_cards",
                cause=story.cause,
                unit_code=story.unit,
                branch_code=story.branch,
                assignee_staff_id=story.assignee,
                transfer_count=story.transfers,
                return_count=story.returns,
                resolved_at=story.resolved,
                satisfaction=story.satisfaction,
                merged_into=story.merged_into,
            )
            session.add(case)
            await session.flush()
            ids[story.number] = case.id
            if story.due is not None:
                session.add(
                    Deadline(
                        case_id=case.id,
                        kind="resolution",
                        state="breached" if story.breached else "met" if story.met else "running",
                        started_at=story.received,
                        due_at=story.due,
                        period="15 days",
                        warn_at=[],
                        met_at=story.met,
                        breached_at=story.breached,
                    )
                )
            session.add_all(
                CaseEvent(case_id=case.id, kind=kind, actor="test", data=data) for kind, data in story.events
            )
        if {"A", "D"} <= ids.keys():
            session.add(CaseLink(case_id=ids["D"], related_case_id=ids["A"], kind="repeat"))
        if refresh:
            await report_facts.refresh(session, now=NOW, timezone=SHANGHAI)
    return ids


def scoped(
    first: date = OCTOBER.first,
    last: date = OCTOBER.last,
    *,
    principal: Principal = EVERYONE,
    filters: reports.Filters = UNFILTERED,
) -> reports.ReportScope:
    return reports.ReportScope(
        principal=principal,
        window=window(first, last),
        reporting=ReportingConfig(customers=20_000),
        unit_customers={"BR-001": 4_000},
        filters=filters,
    )


def by_measure(values: Sequence[MeasureValue]) -> dict[Measure, tuple[int, int, bool | None]]:
    return {v.measure: (v.numerator, v.denominator, v.met) for v in values}


@pytest.fixture
async def month(sessions: SessionFactory) -> SessionFactory:
    await write(sessions, STORIES)
    return sessions


async def test_summary_counts_each_case_as_written_down(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.summary(session, scope=scoped())

    totals = found.totals
    # A B C D E F H J — G merged into A, I received in November.
    assert totals.volume == 8
    # On time: A B J. Late: C (after due), D (ran out, unswept), H (breached before its reopen).
    assert (totals.on_time, totals.late) == (3, 3)
    # Resolved: A B C H J; first contact only A (B, H reopened, C transferred, J returned).
    assert totals.resolved == 5
    # Answered: A satisfied, B basically, C dissatisfied (still standing).
    assert (totals.answered, totals.satisfied) == (3, 2)
    assert (totals.repeats, totals.reworked, totals.transfers) == (1, 4, 1)
    assert totals.per_10k_customers == pytest.approx(4.0)
    assert by_measure(found.measures) == {
        Measure.TIMELINESS: (3, 6, False),
        Measure.FIRST_CONTACT_RESOLUTION: (1, 5, False),
        Measure.SATISFACTION: (2, 3, False),
        Measure.RECURRENCE: (1, 8, False),
        Measure.REWORK: (4, 5, None),
    }
    assert found.as_of == NOW


async def test_the_day_begins_at_midnight_in_the_organisations_timezone(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        november = await reports.summary(session, scope=scoped(date(2026, 11, 1), date(2026, 11, 19)))
        last_day = await reports.summary(session, scope=scoped(date(2026, 10, 31), date(2026, 10, 31)))

    assert november.totals.volume == 1  # I
    assert last_day.totals.volume == 1  # J, at 23:00 Shanghai (15:00 UTC)


async def test_breakdown_by_unit_uses_the_units_customers(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.breakdown(session, scope=scoped(), dimension=Dimension.UNIT)

    assert [(row.key, row.totals.volume) for row in found.rows] == [("HQ-CARD", 7), ("BR-001", 1)]
    assert [row.share for row in found.rows] == [7 / 8, 1 / 8]
    branch = found.rows[1]
    assert branch.totals.per_10k_customers == pytest.approx(2.5)
    assert by_measure(branch.measures)[Measure.REWORK] == (1, 1, None)


async def test_filters_narrow_every_count(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        service = await reports.summary(
            session, scope=scoped(filters=reports.Filters({Dimension.CAUSE: "service"}))
        )

    # C D E J
    assert service.totals.volume == 4
    assert (service.totals.on_time, service.totals.late) == (1, 2)


async def test_a_unit_bound_key_counts_only_its_units_cases(month: SessionFactory) -> None:
    branch = Principal(key_id=1, name="branch", scopes=frozenset({Permission.REPORTS}), unit_code="BR-001")
    async with unit_of_work(month) as session:
        found = await reports.summary(session, scope=scoped(principal=branch))

    assert found.totals.volume == 1


async def test_trend_by_week_fills_empty_weeks(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.trend(session, scope=scoped(), grain=Grain.WEEK, dimension=None)

    weeks = {point.bucket: point.volume for point in found.points}
    # ISO weeks from Monday 28 Sep to Monday 26 Oct: A(2) | B C H D (5 6 8 10) | F (12) | — | E J (30 31)
    assert weeks == {
        date(2026, 9, 28): 1,
        date(2026, 10, 5): 4,
        date(2026, 10, 12): 1,
        date(2026, 10, 19): 0,
        date(2026, 10, 26): 2,
    }


async def test_trend_split_by_a_dimension(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.trend(session, scope=scoped(), grain=Grain.MONTH, dimension=Dimension.CAUSE)

    assert {(p.key, p.volume, p.timeliness) for p in found.points} == {
        ("fees", 3, 2 / 3),  # A B H: H late
        ("rules", 1, None),  # F withdrawn
        ("service", 4, 1 / 3),  # C D late, E not due, J on time
    }


async def test_matrix_crosses_two_dimensions(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.matrix(session, scope=scoped(), rows=Dimension.UNIT, columns=Dimension.CAUSE)

    assert [(c.row, c.column, c.volume, c.on_time, c.late) for c in found.cells] == [
        ("BR-001", "service", 1, 1, 0),  # J
        ("HQ-CARD", "fees", 3, 2, 1),  # A B H
        ("HQ-CARD", "rules", 1, 0, 0),  # F
        ("HQ-CARD", "service", 3, 0, 2),  # C D E
    ]


async def test_pareto_of_causes(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.pareto(session, scope=scoped())

    assert [(c.cause, c.count, c.vital) for c in found.causes] == [
        ("service", 4, True),
        ("fees", 3, True),  # crosses 80 %: 7 of 8
        ("rules", 1, False),
    ]
    assert [c.cumulative_share for c in found.causes] == [0.5, 7 / 8, 1.0]


async def test_league_of_handlers_ranks_by_timeliness(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.league(session, scope=scoped(), by=LeagueBy.HANDLER, number=1, size=10)

    # E001: J on time (1/1); CC001: 2 of 5 on time.
    assert [(row.rank, row.key) for row in found.rows] == [(1, "E001"), (2, "CC001")]


async def test_repeat_clusters(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.clusters(session, scope=scoped(), kind=ClusterKind.REPEAT, number=1, size=10)

    assert [c.case_numbers for c in found.clusters] == [["A", "D"]]
    assert found.total == 1


async def test_overdue_lists_live_clocks_past_due(month: SessionFactory) -> None:
    async with unit_of_work(month) as session:
        found = await reports.overdue(session, principal=EVERYONE, now=NOW, number=1, size=10)

    # C's clock breached (unmet), D's ran out; A, B, H, J met, E not due, F withdrawn.
    assert [(c.case_number, c.deadline) for c in found.clocks] == [("C", "resolution"), ("D", "resolution")]
    assert found.clocks[1].overdue_hours == pytest.approx((NOW - on(17)).total_seconds() / 3600, abs=0.01)


async def test_a_snapshot_taken_before_a_change_does_not_see_it(month: SessionFactory) -> None:
    later = [Story("K", on(15))]
    async with unit_of_work(month) as session:
        before = await reports.summary(session, scope=scoped())
    ids = await write(month, later, refresh=False)
    async with unit_of_work(month) as session:
        stale = await reports.summary(session, scope=scoped())
        await report_facts.refresh(session, now=NOW + timedelta(minutes=5), timezone=SHANGHAI)
    async with unit_of_work(month) as session:
        fresh = await reports.summary(session, scope=scoped())

    assert ids
    assert stale.totals.volume == before.totals.volume == 8
    assert fresh.totals.volume == 9
    assert fresh.as_of == NOW + timedelta(minutes=5)

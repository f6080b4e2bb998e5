"""The deadline parts of `complaints config apply`: units, business hours, a regional calendar,
breach actions; bad ones rejected with the line and the reason, nothing half-applied."""

from datetime import date, time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from complaints.configuration.apply import apply_config
from complaints.configuration.config_file import DEMO_CONFIG, load_config
from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import BreachPolicy, CalendarSettings, ConfigVersion, RegionalCalendarDay, SlaPolicy
from complaints.domain.calendar import BusinessHours
from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.vocabulary import BreachAction, DeadlineKind, Severity
from complaints.errors import InvalidInput
from complaints.settings import Settings
from tests.factories import TODAY

DEMO = DEMO_CONFIG.read_text(encoding="utf-8")


def edited(tmp_path: Path, old: str, new: str) -> Path:
    assert old in DEMO, old
    path = tmp_path / "bank.yaml"
    path.write_text(DEMO.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(
        n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text
    )


REGULATORY = "regulatory: {all: 15 days"
HOURS = 'business_hours: {opens: "09:00", closes: "17:30", lunch: {starts: "12:00", ends: "13:30"}}'


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("regulatory: {all: 0 days", "longer than zero"),
        ("regulatory: {all: -3 days", "longer than zero"),
        ("regulatory: {all: 15 weeks", "unknown unit 'weeks'; use one of hours, working_hours, days"),
        ("regulatory: {all: fifteen days", "is not a period"),
    ],
)
def test_bad_periods_name_the_line_and_the_reason(tmp_path: Path, new: str, reason: str) -> None:
    path = edited(tmp_path, REGULATORY, new)
    with pytest.raises(InvalidInput) as error:
        load_config(path)
    message = str(error.value)
    assert f"bank.yaml:{line_of(path, 'regulatory:')}: sla.clocks.regulatory.all" in message
    assert reason in message


@pytest.mark.parametrize(
    ("old", "new", "where", "reason"),
    [
        # Unquoted, YAML 1.1 would have crashed on the impossible date with no line at all.
        (
            "- {day: 2027-01-01, note: 元旦}",
            "- {day: 2027-02-30, note: 元旦}",
            "calendar.holidays.0.day",
            "day",
        ),
        (
            "- {day: 2027-01-01, note: 元旦}",
            "- {day: 20270101, note: 元旦}",
            "calendar.holidays.0.day",
            "YYYY-MM-DD",
        ),
        (
            "- {day: 2027-01-01, note: 元旦}",
            "- {day: 2027-1-1, note: 元旦}",
            "calendar.holidays.0.day",
            "YYYY-MM-DD",
        ),
        (HOURS, "business_hours: {opens: 18:00, closes: 09:00}", "calendar.business_hours", "open before"),
        (
            HOURS,
            'business_hours: {opens: "09:00", closes: "17:00", lunch: {starts: "16:00", ends: "18:00"}}',
            "calendar.business_hours",
            "inside",
        ),
        (
            HOURS,
            'business_hours: {opens: "9 am", closes: "17:00"}',
            "calendar.business_hours.opens",
            "time of day",
        ),
        (
            "on_breach: [escalate, notify_manager]\n",
            "on_breach: [escalate, call_the_police]\n",
            "sla.on_breach.1",
            "escalate",
        ),
        (
            "on_breach: [escalate, notify_manager]\n",
            "on_breach: [escalate, escalate]\n",
            "sla.on_breach",
            "listed once",
        ),
    ],
)
def test_bad_calendars_and_actions_name_the_line_and_the_reason(
    tmp_path: Path, old: str, new: str, where: str, reason: str
) -> None:
    path = edited(tmp_path, old, new)
    with pytest.raises(InvalidInput) as error:
        load_config(path)
    message = str(error.value)
    assert f"bank.yaml:{line_of(path, new.strip()[:20])}: {where}" in message
    assert reason in message


def test_unquoted_times_of_day_are_read_as_times(tmp_path: Path) -> None:
    path = edited(
        tmp_path, HOURS, "business_hours: {opens: 08:30, closes: 17:00, lunch: {starts: 12:00, ends: 13:00}}"
    )
    hours = load_config(path).config.calendar.business_hours
    assert hours.domain() == BusinessHours(opens=time(8, 30), closes=time(17), lunch=(time(12), time(13)))


async def test_hours_region_units_and_actions_reach_the_rulebook(
    sessions: SessionFactory, settings: Settings, tmp_path: Path
) -> None:
    path = edited(
        tmp_path,
        HOURS,
        'business_hours: {opens: "08:30", closes: "17:00", lunch: null}\n  region:\n'
        "    name: 广西\n    holidays: [{day: 2026-04-20, note: 壮族三月三}]\n"
        "    workdays: [{day: 2026-04-26, note: 调休}]",
    )
    text = path.read_text(encoding="utf-8").replace(
        "callback: {all: 1 working_days}", "callback: {all: 6 working_hours, on_breach: [notify_manager]}"
    )
    path.write_text(text, encoding="utf-8")
    try:
        async with unit_of_work(sessions) as session:
            assert await apply_config(session, loaded=load_config(path), today=TODAY)
        async with sessions() as session:
            rulebook = await load_rulebook(session, zone=settings.zone)
        calendar = rulebook.calendar
        assert calendar.hours == BusinessHours(opens=time(8, 30), closes=time(17), lunch=None)
        assert calendar.region == "广西"
        assert not calendar.is_workday(date(2026, 4, 20))  # a Monday, regional holiday
        assert calendar.is_workday(date(2026, 4, 26))  # a Sunday, regional make-up day
        callback = rulebook.clock(DeadlineKind.CALLBACK, Severity.GENERAL)
        assert callback is not None
        assert callback.period == Period(6, PeriodUnit.WORKING_HOURS)
        assert rulebook.on_breach(DeadlineKind.CALLBACK) == (BreachAction.NOTIFY_MANAGER,)
        assert rulebook.on_breach(DeadlineKind.REGULATORY) == tuple(BreachAction)
        assert rulebook.on_breach(DeadlineKind.UPSTREAM) == (
            BreachAction.ESCALATE,
            BreachAction.NOTIFY_MANAGER,
        )
    finally:
        async with unit_of_work(sessions) as session:
            await apply_config(session, loaded=load_config(DEMO_CONFIG), today=TODAY)


async def test_a_rejected_calendar_leaves_the_applied_configuration_whole(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    async def state() -> tuple[object, ...]:
        async with sessions() as session:
            return (
                await session.scalar(select(func.count()).select_from(ConfigVersion)),
                await session.scalar(select(func.count()).select_from(SlaPolicy)),
                await session.scalar(select(func.count()).select_from(BreachPolicy)),
                await session.scalar(select(func.count()).select_from(RegionalCalendarDay)),
                (await session.scalar(select(CalendarSettings.opens))),
            )

    before = await state()
    data = yaml.safe_load(DEMO)
    data["calendar"]["declared_years"] = []  # 2027 no longer described: the horizon is not covered
    data["calendar"]["business_hours"] = {"opens": "07:00", "closes": "19:00"}
    data["sla"]["clocks"]["callback"] = {"all": "3 working_hours"}
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(InvalidInput, match="2027"):
        async with unit_of_work(sessions) as session:
            await apply_config(session, loaded=load_config(path), today=date(2026, 11, 23))

    assert await state() == before
    assert before[-1] == time(9)

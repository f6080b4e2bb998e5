from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.domain.calendar import BusinessCalendar
from complaints.errors import CalendarNotCovered

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = BusinessCalendar()

# 2026 weekend days the State Council made working days (调休).
MAKE_UP_WORKDAYS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


@pytest.mark.parametrize("day", MAKE_UP_WORKDAYS_2026)
def test_make_up_weekend_days_are_workdays(day: date) -> None:
    assert day.weekday() >= 5
    assert DEFAULT.is_workday(day)


@pytest.mark.parametrize("day", [date(2026, 10, d) for d in range(1, 8)])
def test_national_day_week_is_not_worked(day: date) -> None:
    assert not DEFAULT.is_workday(day)


def test_day_after_national_day_week_is_a_workday() -> None:
    assert DEFAULT.is_workday(date(2026, 10, 8))
    assert DEFAULT.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)


def test_plain_weekdays_and_weekends() -> None:
    assert DEFAULT.is_workday(date(2026, 3, 13))  # Friday
    assert not DEFAULT.is_workday(date(2026, 3, 14))  # Saturday
    assert not DEFAULT.is_workday(date(2026, 3, 15))  # Sunday


def test_next_workday_is_strictly_after() -> None:
    assert DEFAULT.next_workday(date(2026, 3, 12)) == date(2026, 3, 13)
    assert DEFAULT.next_workday(date(2026, 3, 13)) == date(2026, 3, 16)
    # Saturday 2026-10-10 is a make-up workday, so Friday's next one is the Saturday.
    assert DEFAULT.next_workday(date(2026, 10, 9)) == date(2026, 10, 10)


def test_uncovered_year_raises_naming_year_and_fix() -> None:
    with pytest.raises(CalendarNotCovered, match=r"2027.*declared_years"):
        DEFAULT.is_workday(date(2027, 1, 4))
    # Never a silent weekend fallback, even while walking forward from a covered year.
    with pytest.raises(CalendarNotCovered, match="2027"):
        DEFAULT.next_workday(date(2026, 12, 31))


def test_years_before_the_library_are_not_covered() -> None:
    with pytest.raises(CalendarNotCovered, match="2003"):
        DEFAULT.is_workday(date(2003, 6, 2))


def test_covers_and_ensure_covers() -> None:
    assert DEFAULT.covers(date(2004, 1, 1))
    assert DEFAULT.covers(date(2026, 12, 31))
    assert not DEFAULT.covers(date(2027, 1, 1))
    DEFAULT.ensure_covers(date(2025, 12, 1), date(2026, 12, 31))
    with pytest.raises(CalendarNotCovered, match="2027"):
        DEFAULT.ensure_covers(date(2026, 12, 1), date(2027, 1, 31))
    with pytest.raises(ValueError, match="after"):
        DEFAULT.ensure_covers(date(2026, 2, 1), date(2026, 1, 1))


def test_declared_year_uses_weekends_and_organisation_overrides() -> None:
    calendar = BusinessCalendar(
        declared_years=frozenset({2027}), extra_holidays=frozenset({date(2027, 1, 1)})
    )
    assert calendar.covers(date(2027, 6, 1))
    calendar.ensure_covers(date(2026, 1, 1), date(2027, 12, 31))
    assert not calendar.is_workday(date(2027, 1, 1))  # Friday, declared closure
    assert not calendar.is_workday(date(2027, 1, 2))  # Saturday
    assert not calendar.is_workday(date(2027, 1, 3))  # Sunday
    assert calendar.is_workday(date(2027, 1, 4))  # Monday
    assert calendar.next_workday(date(2026, 12, 31)) == date(2027, 1, 4)
    with pytest.raises(CalendarNotCovered, match="2028"):
        calendar.is_workday(date(2028, 1, 3))


def test_declared_year_does_not_override_the_library() -> None:
    calendar = BusinessCalendar(declared_years=frozenset({2026}))
    assert not calendar.is_workday(date(2026, 10, 1))
    assert calendar.is_workday(date(2026, 10, 10))


def test_extra_workday_turns_a_sunday_into_a_workday() -> None:
    sunday = date(2026, 3, 15)
    calendar = BusinessCalendar(extra_workdays=frozenset({sunday}))
    assert calendar.is_workday(sunday)
    assert calendar.next_workday(date(2026, 3, 13)) == sunday


def test_extra_holiday_wins_over_a_make_up_workday() -> None:
    calendar = BusinessCalendar(extra_holidays=frozenset({date(2026, 10, 10)}))
    assert not calendar.is_workday(date(2026, 10, 10))
    assert calendar.next_workday(date(2026, 10, 9)) == date(2026, 10, 12)


def test_extra_workday_wins_over_a_statutory_holiday() -> None:
    calendar = BusinessCalendar(extra_workdays=frozenset({date(2026, 10, 5)}))
    assert calendar.is_workday(date(2026, 10, 5))


def test_a_date_cannot_be_both_extra_holiday_and_extra_workday() -> None:
    day = date(2026, 3, 16)
    with pytest.raises(ValueError, match="2026-03-16"):
        BusinessCalendar(extra_holidays=frozenset({day}), extra_workdays=frozenset({day}))


def test_local_date_uses_the_calendar_zone() -> None:
    # 20:00 UTC on 10-07 is 04:00 on 10-08 in Shanghai.
    moment = datetime(2026, 10, 7, 20, 0, tzinfo=UTC)
    assert DEFAULT.local_date(moment) == date(2026, 10, 8)
    assert BusinessCalendar(tz=ZoneInfo("UTC")).local_date(moment) == date(2026, 10, 7)


def test_local_date_rejects_naive() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        DEFAULT.local_date(datetime(2026, 10, 7, 20, 0))  # noqa: DTZ001


def test_is_workday_rejects_datetime() -> None:
    with pytest.raises(TypeError, match="local_date"):
        DEFAULT.is_workday(datetime(2026, 10, 8, tzinfo=SHANGHAI))


def test_start_of_day_is_aware_local_midnight() -> None:
    midnight = DEFAULT.start_of_day(date(2026, 10, 14))
    assert midnight == datetime(2026, 10, 14, tzinfo=SHANGHAI)
    assert midnight.utcoffset() == timedelta(hours=8)
    assert midnight.astimezone(UTC) == datetime(2026, 10, 13, 16, 0, tzinfo=UTC)

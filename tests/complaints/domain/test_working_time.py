"""Working hours: business hours with a lunch break, on working days only, exact both ways."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.domain.calendar import BusinessCalendar, BusinessHours
from complaints.domain.deadlines import Period, PeriodUnit, due_at, working_warning_times
from complaints.domain.working_time import add_working_time, working_time_between
from complaints.errors import CalendarNotCovered

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 09:00-12:00 and 13:30-17:30: 7 working hours a day.
DEFAULT = BusinessCalendar()
NO_LUNCH = BusinessCalendar(hours=BusinessHours(opens=time(8, 30), closes=time(17), lunch=None))
H = timedelta(hours=1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def add(start: datetime, amount: timedelta, calendar: BusinessCalendar = DEFAULT) -> datetime:
    return add_working_time(start=start, amount=amount, calendar=calendar)


def between(start: datetime, end: datetime, calendar: BusinessCalendar = DEFAULT) -> timedelta:
    return working_time_between(start=start, end=end, calendar=calendar)


# --- concrete cases ---------------------------------------------------------------------------


def test_eight_working_hours_from_friday_afternoon_end_on_monday() -> None:
    # Fri 2026-03-13 16:00-17:30 = 1.5 h; Mon 09:00-12:00 = 3 h; 13:30-17:00 = 3.5 h.
    assert add(at(2026, 3, 13, 16), 8 * H) == at(2026, 3, 16, 17)


def test_a_period_ending_at_lunch_ends_at_noon_not_after_lunch() -> None:
    assert add(at(2026, 3, 16, 9), 3 * H) == at(2026, 3, 16, 12)
    assert add(at(2026, 3, 16, 9), 3 * H + timedelta(microseconds=1)) == at(2026, 3, 16, 13, 30) + timedelta(
        microseconds=1
    )


def test_starting_at_lunch_or_at_night_counts_from_the_next_opening() -> None:
    assert add(at(2026, 3, 16, 12, 45), H) == at(2026, 3, 16, 14, 30)
    assert add(at(2026, 3, 16, 22), H) == at(2026, 3, 17, 10)
    assert add(at(2026, 3, 16, 5), H) == at(2026, 3, 16, 10)


def test_national_day_and_its_make_up_saturday() -> None:
    # Wed 09-30 17:00: half an hour left; 10-01..07 closed; Thu 10-08 is the next workday.
    assert add(at(2026, 9, 30, 17), 4 * H) == at(2026, 10, 8, 14)
    # Fri 10-09 17:00 + 1 h lands on the make-up Saturday 10-10.
    assert add(at(2026, 10, 9, 17), H) == at(2026, 10, 10, 9, 30)


def test_without_a_lunch_break() -> None:
    assert add(at(2026, 3, 16, 8, 30), 8 * H, NO_LUNCH) == at(2026, 3, 16, 16, 30)
    assert between(at(2026, 3, 16), at(2026, 3, 17), NO_LUNCH) == timedelta(hours=8, minutes=30)


def test_measuring_a_week() -> None:
    # Mon 03-16 00:00 to Mon 03-23 00:00: five days of 7 hours.
    assert between(at(2026, 3, 16), at(2026, 3, 23)) == 35 * H
    assert between(at(2026, 3, 14), at(2026, 3, 16)) == timedelta(0)  # a weekend
    assert between(at(2026, 3, 16, 11), at(2026, 3, 16, 14)) == timedelta(hours=1, minutes=30)


def test_a_regional_holiday_and_an_organisation_workday() -> None:
    calendar = BusinessCalendar(
        region="广西",
        regional_holidays=frozenset({date(2026, 3, 16)}),
        extra_workdays=frozenset({date(2026, 3, 14)}),
    )
    # Fri 17:00-17:30, all of Sat 03-14 (the organisation works), not Mon 03-16 (regional holiday).
    assert add(at(2026, 3, 13, 17), 8 * H, calendar) == at(2026, 3, 17, 9, 30)


def test_working_hours_due_and_warnings() -> None:
    start = at(2026, 3, 13, 16)
    period = Period(8, PeriodUnit.WORKING_HOURS)
    due = due_at(start=start, period=period, calendar=DEFAULT)
    assert due == at(2026, 3, 16, 17)
    # Half of 8 working hours is Monday 11:30, not Sunday.
    half, eighty = working_warning_times(start=start, due=due, thresholds=[0.5, 0.8], calendar=DEFAULT)
    assert half == at(2026, 3, 16, 11, 30)
    assert eighty == add(start, timedelta(hours=6, minutes=24))
    assert due_at(start=start, period=period, calendar=DEFAULT, excluded=3_600_000_000) == add(start, 9 * H)


def test_an_uncovered_year_fails_loudly() -> None:
    with pytest.raises(CalendarNotCovered, match="2027"):
        add(at(2026, 12, 31, 17), 8 * H)
    with pytest.raises(CalendarNotCovered, match="2027"):
        between(at(2026, 12, 31), at(2027, 1, 5))


@pytest.mark.parametrize(
    ("opens", "closes", "lunch", "message"),
    [
        (time(18), time(9), None, "open before they close"),
        (time(9), time(17), (time(8), time(12)), "inside"),
        (time(9), time(17), (time(13), time(12)), "inside"),
        (time(9), time(17), (time(12), time(17)), "inside"),
        (time(9, tzinfo=UTC), time(17), None, "without a zone"),
    ],
)
def test_business_hours_must_make_sense(
    opens: time, closes: time, lunch: tuple[time, time] | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessHours(opens=opens, closes=closes, lunch=lunch)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="negative"):
        add(at(2026, 3, 16), -H)
    with pytest.raises(ValueError, match="before start"):
        between(at(2026, 3, 16, 10), at(2026, 3, 16, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        add(datetime(2026, 3, 16, 10), H)  # noqa: DTZ001
    assert add(at(2026, 3, 14, 3), timedelta(0)) == at(2026, 3, 14, 3)


# --- properties -------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=datetime(2026, 9, 30),  # noqa: DTZ001
    timezones=st.sampled_from([SHANGHAI, ZoneInfo("UTC")]),
)
amounts = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=120))
hours = st.sampled_from(
    [
        BusinessHours(),
        BusinessHours(opens=time(8, 30), closes=time(17), lunch=None),
        BusinessHours(opens=time(0), closes=time(23, 59), lunch=(time(11, 45), time(12, 10))),
    ]
)
calendars = st.builds(
    lambda hours, closures, workdays: BusinessCalendar(
        hours=hours, extra_holidays=frozenset(closures), extra_workdays=frozenset(workdays - closures)
    ),
    hours,
    st.sets(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), max_size=10),
    st.sets(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), max_size=10),
)


def inside_business_hours(moment: datetime, calendar: BusinessCalendar) -> bool:
    day = calendar.local_date(moment)
    previous = day - timedelta(days=1)
    return any(
        opens <= moment <= closes for d in (day, previous) for opens, closes in calendar.working_windows(d)
    )


@given(start=instants, amount=amounts, calendar=calendars)
def test_adding_then_measuring_gives_back_the_period(
    start: datetime, amount: timedelta, calendar: BusinessCalendar
) -> None:
    end = add(start, amount, calendar)
    assert end.astimezone(UTC) >= start.astimezone(UTC)
    assert between(start, end, calendar) == amount
    if amount:
        assert inside_business_hours(end, calendar)


@given(start=instants, first=amounts, second=amounts, calendar=calendars)
def test_adding_is_additive(
    start: datetime, first: timedelta, second: timedelta, calendar: BusinessCalendar
) -> None:
    assert add(add(start, first, calendar), second, calendar) == add(start, first + second, calendar)


@given(start=instants, span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)))
def test_measuring_then_adding_reaches_the_end_or_the_last_working_moment_before_it(
    start: datetime, span: timedelta
) -> None:
    end = start + span
    measured = between(start, end)
    back = add(start, measured)
    assert back.astimezone(UTC) <= end.astimezone(UTC)
    assert between(back, end) == timedelta(0)


offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))


@given(first=instants, to_middle=offsets, to_last=offsets)
def test_measuring_is_additive_over_adjacent_intervals(
    first: datetime, to_middle: timedelta, to_last: timedelta
) -> None:
    middle = first + to_middle
    last = middle + to_last
    assert between(first, last) == between(first, middle) + between(middle, last)

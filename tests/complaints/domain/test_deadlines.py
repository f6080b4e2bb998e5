from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from complaints.domain.calendar import BusinessCalendar
from complaints.domain.deadlines import Period, PeriodUnit, due_at, warning_times
from complaints.errors import CalendarNotCovered

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = BusinessCalendar()
ONE_MICROSECOND = timedelta(microseconds=1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# --- concrete cases ---------------------------------------------------------------------------


def test_working_days_over_national_day() -> None:
    # Accepted Wed 2026-09-30 (not counted); 10-01..07 holiday. Count:
    # 10-08 Thu=1, 10-09 Fri=2, 10-10 Sat make-up=3, (10-11 Sun rest), 10-12 Mon=4, 10-13 Tue=5.
    # So the period ends at 24:00 of 2026-10-13, i.e. 00:00 of 2026-10-14.
    due = due_at(
        start=at(2026, 9, 30, 10, 0),
        period=Period(5, PeriodUnit.WORKING_DAYS),
        calendar=DEFAULT,
    )
    assert due == at(2026, 10, 14, 0, 0)


def test_working_days_exclude_acceptance_day_even_if_worked() -> None:
    # Accepted Mon 2026-03-09 at 08:00: Tue=1, so due at 24:00 Tue.
    due = due_at(start=at(2026, 3, 9, 8, 0), period=Period(1, PeriodUnit.WORKING_DAYS), calendar=DEFAULT)
    assert due == at(2026, 3, 11, 0, 0)


def test_working_days_accepted_on_a_weekend() -> None:
    # Accepted Sat 2026-03-14: Mon 03-16=1, so due at 24:00 Monday.
    due = due_at(start=at(2026, 3, 14, 15, 0), period=Period(1, PeriodUnit.WORKING_DAYS), calendar=DEFAULT)
    assert due == at(2026, 3, 17, 0, 0)


def test_working_days_count_an_extra_workday_sunday() -> None:
    calendar = BusinessCalendar(extra_workdays=frozenset({date(2026, 3, 15)}))
    # Accepted Fri 03-13: Sat rest, Sun 03-15 declared workday=1.
    due = due_at(start=at(2026, 3, 13, 9, 0), period=Period(1, PeriodUnit.WORKING_DAYS), calendar=calendar)
    assert due == at(2026, 3, 16, 0, 0)


@pytest.mark.parametrize(
    ("accepted", "expected_due"),
    [
        # Day 15 is 10-02, inside the National Day week: runs to 24:00 of Thu 10-08.
        (at(2026, 9, 17, 9, 0), at(2026, 10, 9, 0, 0)),
        # Day 15 is 10-07, the last holiday: same end.
        (at(2026, 9, 22, 16, 30), at(2026, 10, 9, 0, 0)),
        # Day 15 is Sat 03-21: runs to 24:00 of Mon 03-23.
        (at(2026, 3, 6, 11, 0), at(2026, 3, 24, 0, 0)),
        # Day 15 is Sun 09-20, a make-up workday: not a rest day, so it stands.
        (at(2026, 9, 5, 11, 0), at(2026, 9, 21, 0, 0)),
        # Day 15 is an ordinary Wednesday.
        (at(2026, 3, 3, 23, 59), at(2026, 3, 19, 0, 0)),
    ],
)
def test_fifteen_days(accepted: datetime, expected_due: datetime) -> None:
    period = Period(15, PeriodUnit.DAYS)
    assert due_at(start=accepted, period=period, calendar=DEFAULT) == expected_due


def test_days_ending_on_an_organisation_closure_move_on() -> None:
    calendar = BusinessCalendar(extra_holidays=frozenset({date(2026, 3, 18)}))
    # Day 15 from 03-03 is Wed 03-18, a closure: runs to 24:00 of Thu 03-19.
    due = due_at(start=at(2026, 3, 3, 10, 0), period=Period(15, PeriodUnit.DAYS), calendar=calendar)
    assert due == at(2026, 3, 20, 0, 0)


def test_days_use_the_local_date_of_acceptance() -> None:
    # 17:00 UTC on 03-02 is 01:00 on 03-03 in Shanghai, so day 15 is Wed 03-18.
    start = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    due = due_at(start=start, period=Period(15, PeriodUnit.DAYS), calendar=DEFAULT)
    assert due == at(2026, 3, 19, 0, 0)


def test_24_hours_cross_midnight_exactly() -> None:
    start = at(2026, 3, 10, 18, 30, 15)
    due = due_at(start=start, period=Period(24, PeriodUnit.HOURS), calendar=DEFAULT)
    assert due == at(2026, 3, 11, 18, 30, 15)
    assert due - start == timedelta(hours=24)


def test_hours_ignore_holidays() -> None:
    due = due_at(start=at(2026, 9, 30, 22, 0), period=Period(8, PeriodUnit.HOURS), calendar=DEFAULT)
    assert due == at(2026, 10, 1, 6, 0)


def test_hours_are_elapsed_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    calendar = BusinessCalendar(tz=berlin)
    # Clocks go forward on 2026-03-29: 24 elapsed hours read 13:00 on the wall.
    start = datetime(2026, 3, 28, 12, 0, tzinfo=berlin)
    due = due_at(start=start, period=Period(24, PeriodUnit.HOURS), calendar=calendar)
    assert due == datetime(2026, 3, 29, 13, 0, tzinfo=berlin)
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=24)


def test_period_running_into_an_undeclared_year_raises() -> None:
    with pytest.raises(CalendarNotCovered, match=r"2027.*declared_years"):
        due_at(
            start=at(2026, 12, 28, 9, 0),
            period=Period(5, PeriodUnit.WORKING_DAYS),
            calendar=DEFAULT,
        )


def test_period_running_into_a_declared_year() -> None:
    calendar = BusinessCalendar(
        declared_years=frozenset({2027}), extra_holidays=frozenset({date(2027, 1, 1)})
    )
    # Accepted Mon 2026-12-28: Tue=1, Wed=2, Thu 12-31=3, (01-01 closure, weekend), Mon 01-04=4.
    due = due_at(start=at(2026, 12, 28, 9, 0), period=Period(4, PeriodUnit.WORKING_DAYS), calendar=calendar)
    assert due == at(2027, 1, 5, 0, 0)


def test_naive_start_raises() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(
            start=datetime(2026, 3, 10, 9, 0),  # noqa: DTZ001
            period=Period(1, PeriodUnit.DAYS),
            calendar=DEFAULT,
        )


@pytest.mark.parametrize("amount", [0, -1])
@pytest.mark.parametrize("unit", list(PeriodUnit))
def test_period_must_be_positive(amount: int, unit: PeriodUnit) -> None:
    with pytest.raises(ValueError, match="positive"):
        Period(amount, unit)


def test_warning_times_at_half_and_eighty_percent() -> None:
    start = at(2026, 3, 10, 0, 0)
    due = at(2026, 3, 11, 0, 0)
    assert warning_times(start=start, due=due, thresholds=[0.5, 0.8]) == [
        at(2026, 3, 10, 12, 0),
        at(2026, 3, 10, 19, 12),
    ]
    assert warning_times(start=start, due=due, thresholds=[]) == []


def test_warning_times_mixed_zones() -> None:
    start = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)  # 08:00 Shanghai
    due = at(2026, 3, 10, 18, 0)  # 10 hours later
    [half] = warning_times(start=start, due=due, thresholds=[0.5])
    assert half == datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "thresholds",
    [[0.0], [1.0], [0.5, 1.0], [-0.1], [0.8, 0.5], [0.5, 0.5], [float("nan")]],
)
def test_warning_thresholds_must_increase_within_unit_interval(thresholds: list[float]) -> None:
    with pytest.raises(ValueError, match="thresholds"):
        warning_times(start=at(2026, 3, 10, 0, 0), due=at(2026, 3, 11, 0, 0), thresholds=thresholds)


def test_warning_times_need_due_after_start() -> None:
    with pytest.raises(ValueError, match="not after"):
        warning_times(start=at(2026, 3, 10, 0, 0), due=at(2026, 3, 10, 0, 0), thresholds=[0.5])


def test_warning_times_reject_naive() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        warning_times(
            start=at(2026, 3, 10, 0, 0),
            due=datetime(2026, 3, 11, 0, 0),  # noqa: DTZ001
            thresholds=[0.5],
        )


# --- properties -------------------------------------------------------------------------------

# Late enough in 2026 still leaves room for 30 working days before the library's coverage ends.
starts = st.datetimes(
    min_value=datetime(2004, 1, 2),  # noqa: DTZ001
    max_value=datetime(2026, 10, 31),  # noqa: DTZ001
    timezones=st.sampled_from([SHANGHAI, ZoneInfo("UTC"), ZoneInfo("America/New_York")]),
)
amounts = st.integers(min_value=1, max_value=30)
# Random organisation overrides in 2026, each date either a closure or an extra workday.
calendars = st.one_of(
    st.just(DEFAULT),
    st.dictionaries(
        st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
        st.booleans(),
        max_size=30,
    ).map(
        lambda overrides: BusinessCalendar(
            extra_holidays=frozenset(d for d, closed in overrides.items() if closed),
            extra_workdays=frozenset(d for d, closed in overrides.items() if not closed),
        )
    ),
)


@given(start=starts, amount=amounts, calendar=calendars)
def test_working_days_end_after_a_workday(start: datetime, amount: int, calendar: BusinessCalendar) -> None:
    due = due_at(start=start, period=Period(amount, PeriodUnit.WORKING_DAYS), calendar=calendar)
    assert due > start
    assert due == calendar.start_of_day(due.date())
    last = (due - ONE_MICROSECOND).date()
    assert calendar.is_workday(last)
    accepted = calendar.local_date(start)
    counted = [
        accepted + timedelta(days=i)
        for i in range(1, (last - accepted).days + 1)
        if calendar.is_workday(accepted + timedelta(days=i))
    ]
    assert len(counted) == amount


@given(start=starts, amount=amounts, calendar=calendars)
def test_days_never_end_on_a_rest_day(start: datetime, amount: int, calendar: BusinessCalendar) -> None:
    due = due_at(start=start, period=Period(amount, PeriodUnit.DAYS), calendar=calendar)
    assert due > start
    assert due == calendar.start_of_day(due.date())
    last = (due - ONE_MICROSECOND).date()
    assert calendar.is_workday(last)
    nominal = calendar.local_date(start) + timedelta(days=amount)
    # Extended only past rest days, never further.
    assert last >= nominal
    skipped = [nominal + timedelta(days=i) for i in range((last - nominal).days)]
    assert not any(calendar.is_workday(day) for day in skipped)


@given(start=starts, amount=st.integers(min_value=1, max_value=24 * 60))
def test_hours_are_elapsed(start: datetime, amount: int) -> None:
    due = due_at(start=start, period=Period(amount, PeriodUnit.HOURS), calendar=DEFAULT)
    assert due.tzinfo is SHANGHAI
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=amount)


@given(
    start=starts,
    amount=st.integers(min_value=1, max_value=29),
    unit=st.sampled_from(PeriodUnit),
    calendar=calendars,
)
def test_due_is_monotone_in_amount(
    start: datetime, amount: int, unit: PeriodUnit, calendar: BusinessCalendar
) -> None:
    shorter = due_at(start=start, period=Period(amount, unit), calendar=calendar)
    longer = due_at(start=start, period=Period(amount + 1, unit), calendar=calendar)
    assert shorter > start
    # Two DAYS periods can both be pushed to the same working day; the others always grow.
    if unit is PeriodUnit.DAYS:
        assert longer >= shorter
    else:
        assert longer > shorter


@given(start=starts, amount=amounts)
def test_working_days_agree_with_chinese_calendar_on_workday_acceptance(start: datetime, amount: int) -> None:
    accepted = DEFAULT.local_date(start)
    # find_workday counts a rest-day start as if it were the next workday (Saturday + 1 gives
    # Tuesday), which is not the Civil Code count; compare only from a working day.
    assume(DEFAULT.is_workday(accepted))
    due = due_at(start=start, period=Period(amount, PeriodUnit.WORKING_DAYS), calendar=DEFAULT)
    assert (due - ONE_MICROSECOND).date() == chinese_calendar.find_workday(amount, accepted)


@given(
    start=starts,
    span=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=60)),
    thresholds=st.lists(st.floats(min_value=0.01, max_value=0.99), min_size=1, max_size=4, unique=True).map(
        sorted
    ),
)
def test_warning_times_fall_in_order_inside_the_period(
    start: datetime, span: timedelta, thresholds: list[float]
) -> None:
    # Compare in UTC: aware datetimes sharing a tzinfo compare as wall-clock times.
    utc_start = start.astimezone(UTC)
    due = utc_start + span
    times = [t.astimezone(UTC) for t in warning_times(start=start, due=due, thresholds=thresholds)]
    assert len(times) == len(thresholds)
    assert all(utc_start < t < due for t in times)
    assert times == sorted(times)

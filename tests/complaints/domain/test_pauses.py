"""Paused time is excluded, exactly, in each clock's own unit (domain/deadlines.py, clocks.py)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.domain.calendar import BusinessCalendar
from complaints.domain.clocks import ClockPosition, plan_clock, resumed
from complaints.domain.deadlines import Period, PeriodUnit, excluded_by_pause, last_day
from complaints.domain.vocabulary import DeadlineKind
from complaints.domain.working_time import working_time_between

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT = BusinessCalendar()
ONE_MICROSECOND = timedelta(microseconds=1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def position(start: datetime, period: Period, calendar: BusinessCalendar = DEFAULT) -> ClockPosition:
    plan = plan_clock(
        DeadlineKind.RESOLUTION, start=start, period=period, warn_fractions=(0.5, 0.8), calendar=calendar
    )
    return ClockPosition(plan.started_at, plan.due_at, plan.warn_at, 0, period.unit, period.amount, 0)


def pause(
    clock: ClockPosition, paused: datetime, resumed_at: datetime, calendar: BusinessCalendar = DEFAULT
) -> ClockPosition:
    return resumed(clock, paused_at=paused, resumed_at=resumed_at, calendar=calendar)


# --- concrete cases ---------------------------------------------------------------------------


def test_elapsed_hours_move_by_exactly_the_pause() -> None:
    clock = position(at(2026, 3, 16, 9), Period(24, PeriodUnit.HOURS))
    after = pause(clock, at(2026, 3, 16, 10), at(2026, 3, 16, 13, 17))
    assert after.due_at == clock.due_at + timedelta(hours=3, minutes=17)
    assert after.warn_at == tuple(w + timedelta(hours=3, minutes=17) for w in clock.warn_at)
    assert after.excluded == (3 * 3600 + 17 * 60) * 1_000_000


def test_working_hours_move_by_the_working_time_paused() -> None:
    clock = position(at(2026, 3, 13, 16), Period(8, PeriodUnit.WORKING_HOURS))
    assert clock.due_at == at(2026, 3, 16, 17)
    # Paused Fri 17:00 to Mon 10:00: 30 min on Friday, 1 h on Monday; the weekend counts nothing.
    after = pause(clock, at(2026, 3, 13, 17), at(2026, 3, 16, 10))
    assert after.due_at == at(2026, 3, 17, 10, 0)  # Mon 17:00 + 1.5 working hours
    assert working_time_between(start=clock.due_at, end=after.due_at, calendar=DEFAULT) == timedelta(
        hours=1, minutes=30
    )


def test_working_hours_paused_over_a_weekend_only_do_not_move() -> None:
    clock = position(at(2026, 3, 13, 9), Period(8, PeriodUnit.WORKING_HOURS))
    after = pause(clock, at(2026, 3, 13, 18), at(2026, 3, 16, 8))
    assert after.due_at == clock.due_at
    assert after.excluded == 0


def test_a_pause_within_one_day_does_not_move_a_day_clock() -> None:
    for unit in (PeriodUnit.DAYS, PeriodUnit.WORKING_DAYS):
        clock = position(at(2026, 3, 9, 9), Period(5, unit))
        assert pause(clock, at(2026, 3, 10, 8), at(2026, 3, 10, 23, 59)) == clock


def test_working_days_give_back_the_working_days_from_the_pause_to_the_day_before_resuming() -> None:
    # Accepted Mon 03-09: 5 working days end at 24:00 Mon 03-16.
    clock = position(at(2026, 3, 9, 9), Period(5, PeriodUnit.WORKING_DAYS))
    assert clock.due_at == at(2026, 3, 17)
    # Paused Wed 03-11 15:00, resumed Mon 03-16 09:00: Wed, Thu, Fri given back (not the weekend).
    after = pause(clock, at(2026, 3, 11, 15), at(2026, 3, 16, 9))
    assert after.excluded == 3
    assert after.due_at == at(2026, 3, 20)  # Thu 03-19 at 24:00


def test_calendar_days_give_back_every_day_and_still_end_on_a_working_day() -> None:
    # Accepted Tue 03-03: 15 days end at 24:00 Wed 03-18.
    clock = position(at(2026, 3, 3, 10), Period(15, PeriodUnit.DAYS))
    assert clock.due_at == at(2026, 3, 19)
    # Paused Thu 03-05 to Sun 03-08: three days back, day 18 is Sat 03-21 → Mon 03-23.
    after = pause(clock, at(2026, 3, 5, 11), at(2026, 3, 8, 20))
    assert after.excluded == 3
    assert after.due_at == at(2026, 3, 24)


def test_a_pause_in_the_run_on_past_a_rest_day_cannot_end_the_clock_before_it_resumes() -> None:
    # Accepted Fri 03-06: day 15 is Sat 03-21, so the period runs on to 24:00 Mon 03-23.
    clock = position(at(2026, 3, 6, 11), Period(15, PeriodUnit.DAYS))
    assert clock.due_at == at(2026, 3, 24)
    # Paused on the Sunday in the run-on, resumed on Wednesday 03-25.
    after = pause(clock, at(2026, 3, 22, 10), at(2026, 3, 25, 9))
    assert after.due_at == at(2026, 3, 26)  # the rest of the day it resumed


def test_pending_warnings_move_sent_ones_stay() -> None:
    clock = position(at(2026, 3, 16, 9), Period(10, PeriodUnit.HOURS))
    sent = ClockPosition(clock.started_at, clock.due_at, clock.warn_at, 1, clock.unit, clock.amount, 0)
    after = pause(sent, at(2026, 3, 16, 15), at(2026, 3, 16, 16))
    assert after.warn_at == (clock.warn_at[0], clock.warn_at[1] + timedelta(hours=1))


def test_repeated_pauses_add_up() -> None:
    clock = position(at(2026, 3, 9, 9), Period(5, PeriodUnit.WORKING_DAYS))
    once = pause(clock, at(2026, 3, 10, 9), at(2026, 3, 12, 9))  # Tue, Wed
    twice = pause(once, at(2026, 3, 13, 9), at(2026, 3, 16, 9))  # Fri
    assert twice.excluded == 3
    assert twice.due_at == pause(clock, at(2026, 3, 9, 10), at(2026, 3, 12, 9)).due_at


def test_a_clock_without_a_policy_period_moves_by_the_elapsed_pause() -> None:
    fixed = ClockPosition(at(2026, 3, 16), at(2026, 3, 20), (at(2026, 3, 18),), 0, None, None, 0)
    after = pause(fixed, at(2026, 3, 17), at(2026, 3, 17, 6))
    assert after.due_at == at(2026, 3, 20, 6)


def test_resuming_before_pausing_is_refused() -> None:
    with pytest.raises(ValueError, match="before paused"):
        excluded_by_pause(
            start=at(2026, 3, 9),
            period=Period(1, PeriodUnit.DAYS),
            excluded=0,
            paused_at=at(2026, 3, 10),
            resumed_at=at(2026, 3, 9),
            calendar=DEFAULT,
        )


# --- properties -------------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=datetime(2026, 6, 30),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)
calendars = st.one_of(
    st.just(DEFAULT),
    st.dictionaries(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)), st.booleans(), max_size=20
    ).map(
        lambda overrides: BusinessCalendar(
            extra_holidays=frozenset(d for d, closed in overrides.items() if closed),
            extra_workdays=frozenset(d for d, closed in overrides.items() if not closed),
        )
    ),
)


@given(
    start=starts,
    amount=st.integers(min_value=1, max_value=60),
    into=st.floats(min_value=0, max_value=0.999),
    paused_for=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    calendar=calendars,
)
def test_pausing_for_k_working_hours_moves_the_due_time_by_exactly_k_working_hours(
    start: datetime, amount: int, into: float, paused_for: timedelta, calendar: BusinessCalendar
) -> None:
    clock = position(start, Period(amount, PeriodUnit.WORKING_HOURS), calendar)
    paused = start + (clock.due_at - start) * into
    after = pause(clock, paused, paused + paused_for, calendar)
    k = working_time_between(start=paused, end=paused + paused_for, calendar=calendar)
    assert working_time_between(start=clock.due_at, end=after.due_at, calendar=calendar) == k
    # And the clock's own time, pause left out, is still the whole period.
    counted = working_time_between(start=start, end=paused, calendar=calendar) + working_time_between(
        start=paused + paused_for, end=after.due_at, calendar=calendar
    )
    assert counted == timedelta(hours=amount)


@given(
    start=starts,
    amount=st.integers(min_value=1, max_value=30),
    unit=st.sampled_from([PeriodUnit.DAYS, PeriodUnit.WORKING_DAYS]),
    into=st.floats(min_value=0, max_value=0.999),
    paused_for=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=25)),
    calendar=calendars,
)
def test_day_clocks_after_a_pause_end_on_a_working_day_after_they_resume(
    start: datetime,
    amount: int,
    unit: PeriodUnit,
    into: float,
    paused_for: timedelta,
    calendar: BusinessCalendar,
) -> None:
    period = Period(amount, unit)
    clock = position(start, period, calendar)
    paused = (start.astimezone(UTC) + (clock.due_at - start) * into).astimezone(SHANGHAI)
    resumed_at = paused + paused_for
    after = pause(clock, paused, resumed_at, calendar)
    last = (after.due_at - ONE_MICROSECOND).date()
    assert after.due_at == calendar.start_of_day(last + timedelta(days=1))
    assert calendar.is_workday(last)
    assert after.due_at >= clock.due_at
    assert after.due_at > resumed_at
    assert last == last_day(start=start, period=period, calendar=calendar, excluded=after.excluded)
    if unit is PeriodUnit.WORKING_DAYS:
        # k working days paused (from the pause's day to the day before resuming) → k later.
        first, stop = paused.date(), resumed_at.date()
        k = sum(1 for i in range((stop - first).days) if calendar.is_workday(first + timedelta(i)))
        old_last = (clock.due_at - ONE_MICROSECOND).date()
        moved = sum(
            1 for i in range(1, (last - old_last).days + 1) if calendar.is_workday(old_last + timedelta(i))
        )
        assert moved == k


@given(
    start=starts,
    amount=st.integers(min_value=1, max_value=200),
    into=st.floats(min_value=0, max_value=0.999),
    paused_for=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
)
def test_pausing_elapsed_hours_moves_due_and_pending_warnings_by_the_pause(
    start: datetime, amount: int, into: float, paused_for: timedelta
) -> None:
    clock = position(start, Period(amount, PeriodUnit.HOURS))
    paused = start + (clock.due_at - start) * into
    after = pause(clock, paused, paused + paused_for)
    assert after.due_at.astimezone(UTC) - clock.due_at.astimezone(UTC) == paused_for
    assert all(
        new.astimezone(UTC) - old.astimezone(UTC) == paused_for
        for old, new in zip(clock.warn_at, after.warn_at, strict=True)
    )

"""When a clock runs out, counted as the Civil Code counts periods (art. 201-203).

Pure: plain values in, plain values out. The calendar decides what a working day is and which
hours of it are business hours.

Four units: elapsed `hours`; `working_hours` inside business hours on working days (lunch break
left out); calendar `days` and `working_days`, both ending at 24:00 of their last day.

Paused time is excluded (CBIRC): a pause gives time back to the clock, measured in the clock's
own unit and kept as one integer, `excluded`, in the unit's `ExcludedUnit` (`Period.excluded_unit`):

- hour units give back exactly the paused time: elapsed microseconds for `hours`, working
  microseconds for `working_hours` (a pause over the weekend gives back no working time);
- day units give back whole days: every day of the unit from the day the pause began up to,
  not including, the day it ended. A pause that begins and ends on the same day gives back
  nothing; one that spans midnight gives back the day it began. The due time then moves by
  that many days of the unit and still ends at 24:00 of a working day, never before the
  end of the day the clock resumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from complaints.domain.calendar import BusinessCalendar
from complaints.domain.moments import require_aware
from complaints.domain.working_time import add_working_time, working_time_between


class PeriodUnit(StrEnum):
    HOURS = "hours"
    WORKING_HOURS = "working_hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"

    @property
    def counts_days(self) -> bool:
        return self in (PeriodUnit.DAYS, PeriodUnit.WORKING_DAYS)


class ExcludedUnit(StrEnum):
    """What one unit of a clock's `excluded` (paused) time is, by the period's unit."""

    MICROSECOND = "microsecond"
    DAY = "day"


@dataclass(frozen=True)
class Period:
    amount: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"a period must be positive, got {self.amount} {self.unit}")

    @property
    def excluded_unit(self) -> ExcludedUnit:
        return ExcludedUnit.DAY if self.unit.counts_days else ExcludedUnit.MICROSECOND


def _micros(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds


def _require_excluded(excluded: int) -> None:
    if excluded < 0:
        raise ValueError(f"excluded time must not be negative, got {excluded}")


def due_at(*, start: datetime, period: Period, calendar: BusinessCalendar, excluded: int = 0) -> datetime:
    """The instant the period ends, in calendar.tz; "24:00 of day X" is 00:00 of X+1.

    `excluded` is paused time given back, in the period's grain (see the module docstring).
    """
    require_aware(start, "start")
    _require_excluded(excluded)
    if period.unit is PeriodUnit.HOURS:
        # Elapsed hours: add in UTC so a DST change in a configured zone cannot shift it.
        end = start.astimezone(UTC) + timedelta(hours=period.amount, microseconds=excluded)
        return end.astimezone(calendar.tz)
    if period.unit is PeriodUnit.WORKING_HOURS:
        amount = timedelta(hours=period.amount, microseconds=excluded)
        return add_working_time(start=start, amount=amount, calendar=calendar)
    last = last_day(start=start, period=period, calendar=calendar, excluded=excluded)
    return calendar.start_of_day(last + timedelta(days=1))


def last_day(*, start: datetime, period: Period, calendar: BusinessCalendar, excluded: int = 0) -> date:
    """The last day a day-counted period runs through (to its 24:00)."""
    if not period.unit.counts_days:
        raise ValueError(f"{period.unit} is not counted in days")
    _require_excluded(excluded)
    # Art. 201: the day of acceptance is not counted, even when it is a working day.
    accepted = calendar.local_date(start)
    if period.unit is PeriodUnit.DAYS:
        last = _nominal_last(accepted, period, excluded)
        # Art. 203: a period ending on a rest day runs to the end of the next working day.
        return last if calendar.is_workday(last) else calendar.next_workday(last)
    last = accepted
    for _ in range(period.amount + excluded):
        last = calendar.next_workday(last)
    return last


def _nominal_last(accepted: date, period: Period, excluded: int) -> date:
    return accepted + timedelta(days=period.amount + excluded)


def excluded_by_pause(
    *,
    start: datetime,
    period: Period,
    excluded: int,
    paused_at: datetime,
    resumed_at: datetime,
    calendar: BusinessCalendar,
) -> int:
    """What a pause gives back to a clock that had already been given `excluded`, in its grain."""
    require_aware(paused_at, "paused_at")
    require_aware(resumed_at, "resumed_at")
    if resumed_at.astimezone(UTC) < paused_at.astimezone(UTC):
        raise ValueError(f"resumed {resumed_at.isoformat()} before paused {paused_at.isoformat()}")
    if period.unit is PeriodUnit.HOURS:
        return _micros(resumed_at.astimezone(UTC) - paused_at.astimezone(UTC))
    if period.unit is PeriodUnit.WORKING_HOURS:
        return _micros(working_time_between(start=paused_at, end=resumed_at, calendar=calendar))
    first = calendar.local_date(paused_at)
    resumed = calendar.local_date(resumed_at)
    if period.unit is PeriodUnit.DAYS:
        # Paused after the nominal last day, in the art. 203 run-on to the next working day:
        # give back from the nominal last day, so the clock cannot end before it resumes.
        first = min(first, _nominal_last(calendar.local_date(start), period, excluded))
        return max((resumed - first).days, 0)
    days = (first + timedelta(days=offset) for offset in range((resumed - first).days))
    return sum(1 for day in days if calendar.is_workday(day))


def _check_thresholds(thresholds: Sequence[float]) -> None:
    previous = 0.0
    for fraction in thresholds:
        if not previous < fraction < 1:
            raise ValueError(
                f"thresholds must be strictly increasing and within (0, 1), got {list(thresholds)}"
            )
        previous = fraction


def warning_times(*, start: datetime, due: datetime, thresholds: Sequence[float]) -> list[datetime]:
    """Instants at which each elapsed fraction of start..due is reached (e.g. 0.5, 0.8)."""
    require_aware(start, "start")
    require_aware(due, "due")
    _check_thresholds(thresholds)
    # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall-clock times.
    utc_start = start.astimezone(UTC)
    span = due.astimezone(UTC) - utc_start
    if span <= timedelta(0):
        raise ValueError(f"due {due.isoformat()} is not after start {start.isoformat()}")
    return [(utc_start + span * fraction).astimezone(start.tzinfo) for fraction in thresholds]


def working_warning_times(
    *, start: datetime, due: datetime, thresholds: Sequence[float], calendar: BusinessCalendar
) -> list[datetime]:
    """Instants at which each fraction of the *working* time between start and due has passed.

    A 50 % warning on 8 working hours started on Friday afternoon falls on Monday morning,
    not on Sunday.
    """
    _check_thresholds(thresholds)
    span = working_time_between(start=start, end=due, calendar=calendar)
    if span <= timedelta(0):
        raise ValueError(f"no working time between {start.isoformat()} and {due.isoformat()}")
    return [
        add_working_time(start=start, amount=span * fraction, calendar=calendar) for fraction in thresholds
    ]

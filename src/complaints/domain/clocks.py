"""Planning a clock: when it is due and when its warnings fall, from a period and a start;
and where it stands after a pause.

Pure: the service layer (services/clocks.py) stores what these functions return.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from complaints.domain.calendar import BusinessCalendar
from complaints.domain.deadlines import (
    Period,
    PeriodUnit,
    due_at,
    excluded_by_pause,
    warning_times,
    working_warning_times,
)
from complaints.domain.vocabulary import DeadlineKind
from complaints.domain.working_time import add_working_time

DEFAULT_WARN_AT = (0.5, 0.8)


@dataclass(frozen=True)
class PlannedClock:
    kind: DeadlineKind
    started_at: datetime
    due_at: datetime
    period: str
    warn_at: tuple[datetime, ...]
    # The policy's period; None for a deadline someone else set (a promise, an upstream date).
    unit: PeriodUnit | None = None
    amount: int | None = None
    # Paused time given back so far, in the unit's grain (domain/deadlines.py).
    excluded: int = 0

    def next_check_after(self, warnings_sent: int) -> datetime:
        """The next instant the sweeper has something to announce: a warning or the breach."""
        pending = self.warn_at[warnings_sent:]
        return pending[0] if pending else self.due_at


def describe(period: Period) -> str:
    return f"{period.amount} {period.unit.value}"


def plan_clock(
    kind: DeadlineKind,
    *,
    start: datetime,
    period: Period,
    warn_fractions: tuple[float, ...],
    calendar: BusinessCalendar,
    excluded: int = 0,
) -> PlannedClock:
    due = due_at(start=start, period=period, calendar=calendar, excluded=excluded)
    if period.unit is PeriodUnit.WORKING_HOURS:
        warn = working_warning_times(start=start, due=due, thresholds=warn_fractions, calendar=calendar)
    else:
        warn = warning_times(start=start, due=due, thresholds=warn_fractions)
    return PlannedClock(kind, start, due, describe(period), tuple(warn), period.unit, period.amount, excluded)


def plan_fixed(
    kind: DeadlineKind,
    *,
    start: datetime,
    due: datetime,
    label: str,
    warn_fractions: tuple[float, ...],
) -> PlannedClock:
    """A deadline someone else set (a referral's upstream deadline, a promise)."""
    if due <= start:
        return PlannedClock(kind, start, due, label, ())
    return PlannedClock(
        kind,
        start,
        due,
        label,
        tuple(warning_times(start=start, due=due, thresholds=warn_fractions)),
    )


@dataclass(frozen=True)
class ClockPosition:
    """What a clock looks like at one moment: the fields a pause or a resume changes."""

    started_at: datetime
    due_at: datetime
    warn_at: tuple[datetime, ...]
    warnings_sent: int
    unit: PeriodUnit | None
    amount: int | None
    excluded: int


def resumed(
    clock: ClockPosition, *, paused_at: datetime, resumed_at: datetime, calendar: BusinessCalendar
) -> ClockPosition:
    """The clock after a pause from `paused_at` to `resumed_at`: paused time is excluded.

    The due time moves by exactly the paused time measured in the clock's unit (see
    domain/deadlines.py); warnings not yet announced move with it, so they keep their place
    in the clock's own time.
    """
    if clock.unit is None or clock.amount is None:
        # A deadline without a policy period (written before the deadline engine knew units):
        # move by the elapsed pause, as it always did.
        pause = resumed_at.astimezone(UTC) - paused_at.astimezone(UTC)
        return _moved(clock, lambda moment: moment + pause, excluded=clock.excluded)
    period = Period(clock.amount, clock.unit)
    given_back = excluded_by_pause(
        start=clock.started_at,
        period=period,
        excluded=clock.excluded,
        paused_at=paused_at,
        resumed_at=resumed_at,
        calendar=calendar,
    )
    excluded = clock.excluded + given_back
    if clock.unit is PeriodUnit.WORKING_HOURS:
        worked = timedelta(microseconds=given_back)

        def move(moment: datetime) -> datetime:
            return add_working_time(start=moment, amount=worked, calendar=calendar)

    else:
        # Hours move by the pause; day clocks by however far their end moved.
        due = due_at(start=clock.started_at, period=period, calendar=calendar, excluded=excluded)
        shift = due.astimezone(UTC) - clock.due_at.astimezone(UTC)

        def move(moment: datetime) -> datetime:
            return (moment.astimezone(UTC) + shift).astimezone(moment.tzinfo)

    return _moved(clock, move, excluded=excluded)


def _moved(clock: ClockPosition, move: Callable[[datetime], datetime], *, excluded: int) -> ClockPosition:
    pending = clock.warn_at[clock.warnings_sent :]
    return ClockPosition(
        clock.started_at,
        move(clock.due_at),
        clock.warn_at[: clock.warnings_sent] + tuple(move(moment) for moment in pending),
        clock.warnings_sent,
        clock.unit,
        clock.amount,
        excluded,
    )

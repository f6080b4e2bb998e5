"""Planning a clock: when it is due and when its warnings fall, from a period and a start."""

from dataclasses import dataclass
from datetime import datetime

from complaints.domain.calendar import BusinessCalendar
from complaints.domain.deadlines import Period, due_at, warning_times
from complaints.domain.vocabulary import DeadlineKind

DEFAULT_WARN_AT = (0.5, 0.8)


@dataclass(frozen=True)
class PlannedClock:
    kind: DeadlineKind
    started_at: datetime
    due_at: datetime
    period: str
    warn_at: tuple[datetime, ...]

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
) -> PlannedClock:
    due = due_at(start=start, period=period, calendar=calendar)
    return PlannedClock(
        kind,
        start,
        due,
        describe(period),
        tuple(warning_times(start=start, due=due, thresholds=warn_fractions)),
    )


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

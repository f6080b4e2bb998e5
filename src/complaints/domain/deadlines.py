"""When a clock runs out, counted as the Civil Code counts periods (art. 201-203).

Pure: plain values in, plain values out. The calendar decides what a working day is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from complaints.domain.calendar import BusinessCalendar


class PeriodUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Period:
    amount: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"a period must be positive, got {self.amount} {self.unit}")


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def due_at(*, start: datetime, period: Period, calendar: BusinessCalendar) -> datetime:
    """The instant the period ends, in calendar.tz; "24:00 of day X" is 00:00 of X+1."""
    _require_aware(start, "start")
    if period.unit is PeriodUnit.HOURS:
        # Elapsed hours: add in UTC so a DST change in a configured zone cannot shift it.
        end = start.astimezone(UTC) + timedelta(hours=period.amount)
        return end.astimezone(calendar.tz)

    # Art. 201: the day of acceptance is not counted, even when it is a working day.
    accepted = calendar.local_date(start)
    if period.unit is PeriodUnit.DAYS:
        last = accepted + timedelta(days=period.amount)
        # Art. 203: a period ending on a rest day runs to the end of the next working day.
        if not calendar.is_workday(last):
            last = calendar.next_workday(last)
    else:
        last = accepted
        for _ in range(period.amount):
            last = calendar.next_workday(last)
    return calendar.start_of_day(last + timedelta(days=1))


def warning_times(*, start: datetime, due: datetime, thresholds: Sequence[float]) -> list[datetime]:
    """Instants at which each elapsed fraction of start..due is reached (e.g. 0.5, 0.8)."""
    _require_aware(start, "start")
    _require_aware(due, "due")
    previous = 0.0
    for fraction in thresholds:
        if not previous < fraction < 1:
            raise ValueError(
                f"thresholds must be strictly increasing and within (0, 1), got {list(thresholds)}"
            )
        previous = fraction
    # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall-clock times.
    utc_start = start.astimezone(UTC)
    span = due.astimezone(UTC) - utc_start
    if span <= timedelta(0):
        raise ValueError(f"due {due.isoformat()} is not after start {start.isoformat()}")
    return [(utc_start + span * fraction).astimezone(start.tzinfo) for fraction in thresholds]

"""Working time: the hours inside business hours on working days, lunch break left out.

Pure: plain values in, plain values out. Two inverse operations:

- `add_working_time(start, amount)` is the *earliest* instant at which `amount` of working time
  has passed since `start` (so a period ending at the lunch break ends at 12:00, not 13:30);
- `working_time_between(start, end)` is how much working time lies between two instants.

They satisfy `working_time_between(s, add_working_time(s, d)) == d` and are additive:
`add_working_time(add_working_time(s, a), b) == add_working_time(s, a + b)`. All arithmetic
runs in UTC, exact to the microsecond.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from complaints.domain.calendar import BusinessCalendar
from complaints.domain.moments import require_aware

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)


def _windows_utc(calendar: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    return [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in calendar.working_windows(day)]


def add_working_time(*, start: datetime, amount: timedelta, calendar: BusinessCalendar) -> datetime:
    """The earliest instant by which `amount` of working time has passed since `start`."""
    require_aware(start, "start")
    if amount < _ZERO:
        raise ValueError(f"amount must not be negative, got {amount}")
    moment = start.astimezone(UTC)
    if amount == _ZERO:
        return moment.astimezone(calendar.tz)
    left = amount
    # Windows never cross midnight, so the local date of `start` is the first that can count.
    day = calendar.local_date(start)
    while True:
        for opens, closes in _windows_utc(calendar, day):
            begin = max(opens, moment)
            if begin >= closes:
                continue
            available = closes - begin
            if left <= available:
                return (begin + left).astimezone(calendar.tz)
            left -= available
        day += _ONE_DAY


def working_time_between(*, start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Working time inside [start, end]; raises if end is before start."""
    require_aware(start, "start")
    require_aware(end, "end")
    lower, upper = start.astimezone(UTC), end.astimezone(UTC)
    if upper < lower:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    total = _ZERO
    day, last = calendar.local_date(start), calendar.local_date(end)
    while day <= last:
        for opens, closes in _windows_utc(calendar, day):
            overlap = min(closes, upper) - max(opens, lower)
            if overlap > _ZERO:
                total += overlap
        day += _ONE_DAY
    return total

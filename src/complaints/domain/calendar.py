"""Which days are working days, and which hours of them: the State Council schedule, an optional
regional calendar, the organisation's overrides and its business hours.

Pure: no I/O. Statutory holidays and make-up workdays (调休) come from `chinese_calendar`;
years it does not know must be declared by the organisation, never guessed from weekends.
Layers, most specific first: the organisation's own closures and workdays, then the regional
calendar (e.g. a province's ethnic festival), then the national schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from complaints.domain.moments import require_aware
from complaints.errors import CalendarNotCovered

# Taken from the library's own data, so upgrading chinese_calendar extends coverage by itself.
# Same bounds the library checks before answering (it raises NotImplementedError outside them).
_LIBRARY_YEARS = range(
    min(d.year for d in chinese_calendar.holidays),
    max(d.year for d in chinese_calendar.holidays) + 1,
)

_ONE_DAY = timedelta(days=1)

# ZoneInfo instances are cached and immutable, so one shared default is safe.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _require_plain_date(day: date) -> None:
    # datetime is a date subclass; accepting one would pick its wall-clock date in whatever
    # zone it carries, and it never matches the date sets below.
    if isinstance(day, datetime):
        raise TypeError("pass a date, not a datetime; use BusinessCalendar.local_date()")


@dataclass(frozen=True)
class BusinessHours:
    """Opening hours of a working day, in local wall-clock time, with an optional lunch break."""

    opens: time = time(9)
    closes: time = time(17, 30)
    lunch: tuple[time, time] | None = (time(12), time(13, 30))

    def __post_init__(self) -> None:
        moments = [self.opens, self.closes, *(self.lunch or ())]
        if any(moment.tzinfo is not None for moment in moments):
            raise ValueError("business hours are local wall-clock times: give them without a zone")
        if not self.opens < self.closes:
            raise ValueError(f"business hours must open before they close, got {self.opens}-{self.closes}")
        if self.lunch is not None:
            start, end = self.lunch
            if not self.opens < start < end < self.closes:
                raise ValueError(
                    f"the lunch break {start}-{end} must lie strictly inside {self.opens}-{self.closes}"
                )

    @property
    def windows(self) -> tuple[tuple[time, time], ...]:
        """The stretches of a working day that count, in order."""
        if self.lunch is None:
            return ((self.opens, self.closes),)
        return ((self.opens, self.lunch[0]), (self.lunch[1], self.closes))


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo = SHANGHAI
    # Closures (e.g. a site shut for an incident); win over the library.
    extra_holidays: frozenset[date] = frozenset()
    # Extra working days (e.g. a weekend staffed by order); win over the library.
    extra_workdays: frozenset[date] = frozenset()
    # Years beyond the library that the organisation describes itself (weekends rest, plus the
    # extra sets), e.g. a provisional 2027 until the State Council publishes. Ignored for years
    # the library covers: the official schedule wins there.
    declared_years: frozenset[int] = frozenset()
    # Working hours count only inside these (the "working_hours" unit).
    hours: BusinessHours = BusinessHours()
    # A regional calendar layered over the national one (its name is for people); the
    # organisation's own extra days above still win over it.
    region: str | None = None
    regional_holidays: frozenset[date] = frozenset()
    regional_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for first, second, names in (
            (self.extra_holidays, self.extra_workdays, "extra_holidays and extra_workdays"),
            (self.regional_holidays, self.regional_workdays, "regional_holidays and regional_workdays"),
        ):
            both = first & second
            if both:
                listed = ", ".join(d.isoformat() for d in sorted(both))
                raise ValueError(f"dates both in {names}: {listed}")

    def covers(self, day: date) -> bool:
        return day.year in _LIBRARY_YEARS or day.year in self.declared_years

    def ensure_covers(self, first: date, last: date) -> None:
        """Raise CalendarNotCovered unless every year from first to last is described."""
        if first > last:
            raise ValueError(f"first {first} is after last {last}")
        for year in range(first.year, last.year + 1):
            if year not in _LIBRARY_YEARS and year not in self.declared_years:
                raise self._not_covered(year)

    def is_workday(self, day: date) -> bool:
        _require_plain_date(day)
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        if day.year not in _LIBRARY_YEARS and day.year not in self.declared_years:
            # A regional day inside an undescribed year would hide the missing national schedule.
            raise self._not_covered(day.year)
        if day in self.regional_holidays:
            return False
        if day in self.regional_workdays:
            return True
        if day.year not in _LIBRARY_YEARS:  # a declared year: weekends rest
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError as exc:  # the library disagreeing with its own data
            raise self._not_covered(day.year) from exc

    def next_workday(self, day: date) -> date:
        """The first working day strictly after `day`."""
        candidate = day + _ONE_DAY
        while not self.is_workday(candidate):
            candidate += _ONE_DAY
        return candidate

    def working_windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The business-hours stretches of `day` as aware instants; none on a rest day."""
        if not self.is_workday(day):
            return []
        return [
            (datetime.combine(day, opens, tzinfo=self.tz), datetime.combine(day, closes, tzinfo=self.tz))
            for opens, closes in self.hours.windows
        ]

    def local_date(self, moment: datetime) -> date:
        require_aware(moment, "moment")
        return moment.astimezone(self.tz).date()

    def start_of_day(self, day: date) -> datetime:
        _require_plain_date(day)
        return datetime.combine(day, time(), tzinfo=self.tz)

    @staticmethod
    def _not_covered(year: int) -> CalendarNotCovered:
        return CalendarNotCovered(
            f"no working-day calendar for {year}: chinese_calendar covers "
            f"{_LIBRARY_YEARS.start}-{_LIBRARY_YEARS.stop - 1}; add {year} to the calendar "
            f"config's declared_years (with its holidays in extra_holidays and make-up days "
            f"in extra_workdays) or upgrade chinese_calendar once the State Council publishes"
        )

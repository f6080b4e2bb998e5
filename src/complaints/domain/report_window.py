"""The dates a report covers, how a trend cuts them into buckets, and which page to show.

Reports count the complaints *received* in a window of whole days in the organisation's
timezone, both ends included. A window has limits, so that no request asks for a decade of
daily buckets.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from complaints.errors import InvalidInput


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, from Monday
    MONTH = "month"


# At most a year (the annual report) at once; a daily trend at most a quarter of buckets,
# a monthly one two years.
MAX_DAYS = 366
MAX_DAYS_BY_GRAIN = {Grain.DAY: 92, Grain.WEEK: 366, Grain.MONTH: 731}
# No complaint is older; it also keeps every instant of a window representable.
EARLIEST = date(1970, 1, 1)


@dataclass(frozen=True)
class Window:
    first: date
    last: date  # included

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def window(first: date, last: date, *, grain: Grain | None = None) -> Window:
    if first < EARLIEST:
        raise InvalidInput(f"the window starts before {EARLIEST}", field="from", allowed=[f">= {EARLIEST}"])
    if last < first:
        raise InvalidInput(
            f"the window ends ({last}) before it starts ({first})", field="to", allowed=[f">= {first}"]
        )
    limit = MAX_DAYS if grain is None else MAX_DAYS_BY_GRAIN[grain]
    span = Window(first, last)
    if span.days > limit:
        what = "a report" if grain is None else f"a trend by {grain}"
        raise InvalidInput(
            f"{span.days} days is too wide for {what}: at most {limit}",
            field="to",
            allowed=[f"<= {first + timedelta(days=limit - 1)}"],
        )
    return span


def bucket_of(day: date, grain: Grain) -> date:
    match grain:
        case Grain.DAY:
            return day
        case Grain.WEEK:
            return day - timedelta(days=day.weekday())
        case Grain.MONTH:
            return day.replace(day=1)


def buckets(span: Window, grain: Grain) -> list[date]:
    """Every bucket the window touches, in order, so that empty ones show as zero."""
    found: list[date] = []
    current = bucket_of(span.first, grain)
    while current <= span.last:
        found.append(current)
        match grain:
            case Grain.DAY:
                current += timedelta(days=1)
            case Grain.WEEK:
                current += timedelta(days=7)
            case Grain.MONTH:
                current = (current + timedelta(days=32)).replace(day=1)
    return found


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page(number: int, *, size: int, total: int) -> Page:
    """Page 1 always exists (perhaps empty); a page past the last is a mistake, not an empty list."""
    found = Page(number, size, total)
    if number > found.pages:
        raise InvalidInput(
            f"page {number} is past the last page ({found.pages})",
            field="page",
            allowed=[f"1..{found.pages}"],
        )
    return found

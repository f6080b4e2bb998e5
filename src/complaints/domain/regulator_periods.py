"""The periods regulator statistics are reported for, and when each report is due.

A label names the period: `2026-10` a month, `2026-Q3` a quarter, `2026-H1` a half year,
`2026` a year. A period covers whole days in the organisation's timezone, `end` excluded.
Due dates (DOMAIN.md "Measures"): the quarterly summary before the 4th day of the next quarter,
the half-year report by 20 July, the annual one by 25 January of the next year; no date is
known for the monthly statistics.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from complaints.errors import InvalidInput


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


LABEL_FORMS = ["YYYY-MM (month)", "YYYY-Qn (quarter, n 1-4)", "YYYY-Hn (half year, n 1-2)", "YYYY (year)"]
_LABEL = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$"
)


@dataclass(frozen=True)
class ReportingPeriod:
    label: str
    kind: PeriodKind
    start: date
    end: date  # the first day after the period
    # The last day the report may be submitted; None where no date is known.
    due: date | None

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as moments: a complaint at 23:30 local time on the last day belongs here."""
        return datetime.combine(self.start, time(), zone), datetime.combine(self.end, time(), zone)


def _month_start(year: int, month: int) -> date:
    """The first day of `month`, which may run past December into the next year."""
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(label: str) -> ReportingPeriod:
    found = _LABEL.match(label)
    if found is None or int(found["year"]) < 1970:
        raise InvalidInput(
            f"{label!r} is not a reporting period: use {', '.join(LABEL_FORMS)}, e.g. 2026-10, 2026-Q3, "
            "2026-H1 or 2026",
            field="period",
            allowed=LABEL_FORMS,
        )
    year = int(found["year"])
    if found["month"]:
        month = int(found["month"])
        return ReportingPeriod(
            label, PeriodKind.MONTH, _month_start(year, month), _month_start(year, month + 1), None
        )
    if found["quarter"]:
        first = 3 * int(found["quarter"]) - 2
        end = _month_start(year, first + 3)
        # "Before the 4th day of the next quarter": the 3rd is the last day that is before it.
        return ReportingPeriod(label, PeriodKind.QUARTER, _month_start(year, first), end, end.replace(day=3))
    if found["half"]:
        first = 6 * int(found["half"]) - 5
        # Only the first half has a report of its own (due 20 July); the second is the year's.
        due = date(year, 7, 20) if first == 1 else None
        return ReportingPeriod(
            label, PeriodKind.HALF_YEAR, _month_start(year, first), _month_start(year, first + 6), due
        )
    return ReportingPeriod(
        label, PeriodKind.YEAR, date(year, 1, 1), date(year + 1, 1, 1), date(year + 1, 1, 25)
    )


def reportable_period(label: str, *, today: date) -> ReportingPeriod:
    """The period `label` names, which must have begun by `today` (a running one is a partial report)."""
    period = parse_period(label)
    if period.start > today:
        raise InvalidInput(f"the period {label} has not begun yet (today is {today})", field="period")
    return period

"""Reporting periods for the regulator: labels, bounds and due dates."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from complaints.domain.regulator_periods import PeriodKind, parse_period, reportable_period
from complaints.errors import InvalidInput


@pytest.mark.parametrize(
    ("label", "kind", "start", "end", "due"),
    [
        ("2026-10", PeriodKind.MONTH, date(2026, 10, 1), date(2026, 11, 1), None),
        ("2026-12", PeriodKind.MONTH, date(2026, 12, 1), date(2027, 1, 1), None),
        ("2026-02", PeriodKind.MONTH, date(2026, 2, 1), date(2026, 3, 1), None),
        ("2026-Q1", PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 4, 1), date(2026, 4, 3)),
        ("2026-Q3", PeriodKind.QUARTER, date(2026, 7, 1), date(2026, 10, 1), date(2026, 10, 3)),
        ("2026-Q4", PeriodKind.QUARTER, date(2026, 10, 1), date(2027, 1, 1), date(2027, 1, 3)),
        ("2026-H1", PeriodKind.HALF_YEAR, date(2026, 1, 1), date(2026, 7, 1), date(2026, 7, 20)),
        # The second half is reported with the year.
        ("2026-H2", PeriodKind.HALF_YEAR, date(2026, 7, 1), date(2027, 1, 1), None),
        ("2026", PeriodKind.YEAR, date(2026, 1, 1), date(2027, 1, 1), date(2027, 1, 25)),
    ],
)
def test_a_label_names_its_days_and_due_date(
    label: str, kind: PeriodKind, start: date, end: date, due: date | None
) -> None:
    period = parse_period(label)

    assert (period.label, period.kind, period.start, period.end, period.due) == (label, kind, start, end, due)


@pytest.mark.parametrize(
    "label",
    ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026-H3", "2026-q3", "26-Q3", "2026Q3", "", "1969", "x"],
)
def test_other_labels_are_refused_with_the_forms_allowed(label: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_period(label)

    assert raised.value.field == "period"
    assert raised.value.allowed is not None
    assert "YYYY-Qn (quarter, n 1-4)" in raised.value.allowed


def test_bounds_are_local_midnights() -> None:
    zone = ZoneInfo("Asia/Shanghai")

    start, end = parse_period("2026-Q3").bounds(zone)

    assert start == datetime(2026, 7, 1, tzinfo=zone)
    assert end == datetime(2026, 10, 1, tzinfo=zone)
    assert start.isoformat() == "2026-07-01T00:00:00+08:00"


def test_a_period_that_has_begun_may_be_reported_one_in_the_future_not() -> None:
    assert reportable_period("2026-Q4", today=date(2026, 10, 1)).label == "2026-Q4"
    assert reportable_period("2026-09", today=date(2026, 10, 1)).label == "2026-09"

    with pytest.raises(InvalidInput) as raised:
        reportable_period("2026-11", today=date(2026, 10, 31))

    assert raised.value.field == "period"

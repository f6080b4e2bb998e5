"""What `/v1/reports/...` answers. Definitions of every measure: docs/measures.md."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from complaints.domain.measures import Comparison, Measure
from complaints.domain.report_window import Grain
from complaints.domain.vocabulary import DeadlineKind, Severity, Status


class Dimension(StrEnum):
    """What a breakdown or trend groups by (a classification of the case)."""

    CHANNEL = "channel"
    SOURCE = "source"
    BUSINESS_TYPE = "business_type"
    CAUSE = "cause"
    SEVERITY = "severity"
    UNIT = "unit"
    BRANCH = "branch"
    STATUS = "status"


class Snapshot(BaseModel):
    first: date = Field(description="First day counted (receipt date, organisation timezone).")
    last: date = Field(description="Last day counted, included.")
    as_of: datetime | None = Field(
        description="When the figures were taken; the SLA worker refreshes them every few minutes. "
        "Null: never yet (everything counts zero)."
    )


class MeasureValue(BaseModel):
    measure: Measure
    numerator: int
    denominator: int
    value: float | None = Field(description="numerator ÷ denominator; null when the denominator is 0.")
    target: float | None
    comparison: Comparison
    met: bool | None = Field(description="Whether the value meets the target; null without one of them.")


class Totals(BaseModel):
    """The counts every measure is made of."""

    volume: int = Field(description="Complaints received in the window (merged duplicates once).")
    resolved: int
    on_time: int
    late: int
    answered: int = Field(description="Cases whose complainant answered the satisfaction callback.")
    satisfied: int = Field(description="Of those: satisfied or basically satisfied.")
    repeats: int
    reworked: int
    transfers: int
    per_10k_customers: float | None = Field(description="volume × 10,000 ÷ customers, when configured.")


class Summary(Snapshot):
    totals: Totals
    measures: list[MeasureValue]


class BreakdownRow(BaseModel):
    key: str | None = Field(
        description="The dimension's value; null where the case has none (e.g. no branch)."
    )
    share: float = Field(description="Of the window's volume.")
    totals: Totals
    measures: list[MeasureValue]


class Breakdown(Snapshot):
    dimension: Dimension
    rows: list[BreakdownRow]


class MatrixCell(BaseModel):
    row: str | None
    column: str | None
    volume: int
    on_time: int
    late: int
    timeliness: float | None


class Matrix(Snapshot):
    """Two dimensions crossed, e.g. branches × business types (a heat map); only cells with cases."""

    rows: Dimension
    columns: Dimension
    cells: list[MatrixCell]


class TrendPoint(BaseModel):
    bucket: date = Field(description="First day of the bucket (a Monday for weeks).")
    key: str | None = Field(description="The dimension's value, when the trend is split by one.")
    volume: int
    on_time: int
    late: int
    timeliness: float | None


class Trend(Snapshot):
    grain: Grain
    dimension: Dimension | None
    points: list[TrendPoint]


class ParetoCause(BaseModel):
    cause: str | None
    count: int
    share: float
    cumulative_share: float
    vital: bool = Field(description="Among the few causes that make up the first 80 % of complaints.")


class Pareto(Snapshot):
    total: int
    causes: list[ParetoCause]


class LeagueBy(StrEnum):
    HANDLER = "handler"
    UNIT = "unit"


class LeagueRow(BaseModel):
    rank: int
    key: str | None = Field(description="Staff id or unit code; null for cases nobody holds.")
    name: str | None
    totals: Totals
    measures: list[MeasureValue]


class Paged(BaseModel):
    page: int
    page_size: int
    total: int
    pages: int


class League(Snapshot, Paged):
    by: LeagueBy
    rows: list[LeagueRow]


class ClusterKind(StrEnum):
    REPEAT = "repeat"
    GROUP = "group"


class Cluster(BaseModel):
    size: int
    case_numbers: list[str]
    first_received_at: datetime
    last_received_at: datetime
    units: list[str]
    business_types: list[str]


class Clusters(Snapshot, Paged):
    kind: ClusterKind
    clusters: list[Cluster]


class OverdueClock(BaseModel):
    case_number: str
    status: Status
    severity: Severity
    unit: str | None
    assignee: str | None
    deadline: DeadlineKind
    due_at: datetime
    overdue_hours: float


class Overdue(Paged):
    """Live, not a snapshot: every clock past due and not met, most overdue first."""

    as_of: datetime
    clocks: list[OverdueClock]

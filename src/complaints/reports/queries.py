"""Reports over the complaints received in a window: summary, breakdown, trend, Pareto,
league tables and clusters read the facts snapshot (report_facts.py); the overdue list reads
the live clocks. Every measure is defined in docs/measures.md."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Row,
    and_,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import Executable

from complaints.db.models import Case, CaseLink, ConfigVersion, Deadline, OrgUnit, StaffMember
from complaints.domain import measures
from complaints.domain.lifecycle import FINISHED_STATUSES
from complaints.domain.measures import COMPARISONS, Counts, Measure
from complaints.domain.report_window import Grain, Page, Window, buckets, page
from complaints.domain.vocabulary import DeadlineState
from complaints.errors import InvalidInput
from complaints.reports import facts as report_facts
from complaints.reports.facts import facts
from complaints.schemas.config import ReportingConfig
from complaints.schemas.reports import (
    Breakdown,
    BreakdownRow,
    Cluster,
    ClusterKind,
    Clusters,
    Dimension,
    League,
    LeagueBy,
    LeagueRow,
    Matrix,
    MatrixCell,
    MeasureValue,
    Overdue,
    OverdueClock,
    Pareto,
    ParetoCause,
    Summary,
    Totals,
    Trend,
    TrendPoint,
)
from complaints.security.api_keys import Principal

COLUMNS: Mapping[Dimension, Any] = {
    Dimension.CHANNEL: facts.channel,
    Dimension.SOURCE: facts.source,
    Dimension.BUSINESS_TYPE: facts.business_type,
    Dimension.CAUSE: facts.cause,
    Dimension.SEVERITY: facts.severity,
    Dimension.UNIT: facts.unit_code,
    Dimension.BRANCH: facts.branch_code,
    Dimension.STATUS: facts.status,
}
# Volume and the timeliness counts: what trends and matrices show per cell.
_TIMELY = tuple(count for count in report_facts.COUNTS if count.name in ("volume", "on_time", "late"))


@dataclass(frozen=True)
class Filters:
    """Narrow any report to cases of one value per dimension."""

    values: Mapping[Dimension, str] = field(default_factory=dict)

    def where(self) -> list[ColumnElement[bool]]:
        return [COLUMNS[dimension] == value for dimension, value in self.values.items()]


@dataclass(frozen=True)
class ReportScope:
    """Who asks, over which receipt days, narrowed how, and what is measured against what."""

    principal: Principal
    window: Window
    reporting: ReportingConfig
    unit_customers: Mapping[str, int]
    filters: Filters = Filters()

    def where(self) -> list[ColumnElement[bool]]:
        return [
            facts.received_on.between(self.window.first, self.window.last),
            report_facts.visible_to(self.principal),
            *self.filters.where(),
        ]

    def customers(self) -> int | None:
        """Whose customers a volume is compared with: the unit's own when the report is narrowed
        to one unit or branch, else the organisation's."""
        unit = self.filters.values.get(Dimension.UNIT) or self.filters.values.get(Dimension.BRANCH)
        if unit is not None:
            return self.unit_customers.get(unit)
        return self.reporting.customers


async def scope_for(
    session: AsyncSession,
    *,
    principal: Principal,
    window: Window,
    filters: Filters = Filters(),
) -> ReportScope:
    """The targets and customer numbers of the applied configuration.

    The window's days are those of the snapshot, in the timezone it was taken with
    (`report_facts.refresh`).
    """
    applied = await session.scalar(select(ConfigVersion.reporting).order_by(ConfigVersion.id.desc()).limit(1))
    customers = await session.execute(
        select(OrgUnit.code, OrgUnit.customers).where(OrgUnit.customers.is_not(None))
    )
    return ReportScope(
        principal=principal,
        window=window,
        reporting=ReportingConfig.model_validate(applied or {}),
        unit_customers={code: number for code, number in customers.all() if number is not None},
        filters=filters,
    )


async def summary(session: AsyncSession, *, scope: ReportScope) -> Summary:
    row = (await _read(session, select(*report_facts.COUNTS).where(*scope.where()))).one()
    counts = _counts(row)
    return Summary(
        **await _snapshot(session, scope),
        totals=_totals(counts, customers=scope.customers()),
        measures=_measures(counts, scope),
    )


async def breakdown(session: AsyncSession, *, scope: ReportScope, dimension: Dimension) -> Breakdown:
    column = COLUMNS[dimension]
    result = await _read(
        session, select(column.label("key"), *report_facts.COUNTS).where(*scope.where()).group_by(column)
    )
    rows = sorted(result.all(), key=lambda row: (-row.volume, row.key or ""))
    volume = sum(row.volume for row in rows)
    by_unit = dimension in (Dimension.UNIT, Dimension.BRANCH)
    return Breakdown(
        **await _snapshot(session, scope),
        dimension=dimension,
        rows=[
            BreakdownRow(
                key=row.key,
                share=row.volume / volume,
                totals=_totals(
                    counts := _counts(row),
                    customers=scope.unit_customers.get(row.key) if by_unit and row.key else scope.customers(),
                ),
                measures=_measures(counts, scope),
            )
            for row in rows
        ],
    )


async def matrix(session: AsyncSession, *, scope: ReportScope, rows: Dimension, columns: Dimension) -> Matrix:
    if rows == columns:
        others = [d.value for d in Dimension if d != rows]
        raise InvalidInput(
            "rows and columns must be two different dimensions", field="columns", allowed=others
        )
    row, column = COLUMNS[rows], COLUMNS[columns]
    result = await _read(
        session,
        select(row.label("row"), column.label("column"), *_TIMELY)
        .where(*scope.where())
        .group_by(row, column),
    )
    cells = [
        MatrixCell(
            row=found.row,
            column=found.column,
            volume=found.volume,
            on_time=found.on_time,
            late=found.late,
            timeliness=measures.rate(found.on_time, found.on_time + found.late),
        )
        for found in sorted(result.all(), key=lambda found: (found.row or "", found.column or ""))
    ]
    return Matrix(**await _snapshot(session, scope), rows=rows, columns=columns, cells=cells)


async def trend(
    session: AsyncSession, *, scope: ReportScope, grain: Grain, dimension: Dimension | None
) -> Trend:
    key = COLUMNS[dimension] if dimension is not None else literal(None)
    # On the receipt's local day: a complaint at 23:30 on the 31st belongs to that month.
    bucket = func.date(func.date_trunc(grain.value, cast(facts.received_on, DateTime())))
    counts = select(bucket.label("bucket"), key.label("key"), *_TIMELY).where(*scope.where())
    # By position: the bucket's bound parameters would make a repeated expression differ.
    result = await _read(session, counts.group_by(literal_column("1"), literal_column("2")))
    found: dict[tuple[date, str | None], Row[Any]] = {(row.bucket, row.key): row for row in result.all()}
    keys = sorted({k for _, k in found}, key=lambda k: k or "") if dimension is not None else [None]
    points = []
    for start in buckets(scope.window, grain):
        for k in keys:
            row = found.get((start, k))
            on_time, late = (row.on_time, row.late) if row is not None else (0, 0)
            points.append(
                TrendPoint(
                    bucket=start,
                    key=k,
                    volume=row.volume if row is not None else 0,
                    on_time=on_time,
                    late=late,
                    timeliness=measures.rate(on_time, on_time + late),
                )
            )
    return Trend(**await _snapshot(session, scope), grain=grain, dimension=dimension, points=points)


async def pareto(session: AsyncSession, *, scope: ReportScope) -> Pareto:
    result = await _read(
        session, select(facts.cause, func.count().label("n")).where(*scope.where()).group_by(facts.cause)
    )
    counts = {row.cause or "": row.n for row in result.all()}
    return Pareto(
        **await _snapshot(session, scope),
        total=sum(counts.values()),
        causes=[
            ParetoCause(
                cause=row.key or None,
                count=row.count,
                share=row.share,
                cumulative_share=row.cumulative_share,
                vital=row.vital,
            )
            for row in measures.pareto(counts)
        ],
    )


async def league(
    session: AsyncSession, *, scope: ReportScope, by: LeagueBy, number: int, size: int
) -> League:
    """Ranked by timeliness, then satisfaction, then volume: who keeps their promises best."""
    column = facts.assignee if by is LeagueBy.HANDLER else facts.unit_code
    result = await _read(
        session, select(column.label("key"), *report_facts.COUNTS).where(*scope.where()).group_by(column)
    )
    names = await _names(session, by)
    scored = [(row.key, _counts(row)) for row in result.all()]
    scored.sort(key=lambda item: _league_order(item[0], item[1]))
    shown = page(number, size=size, total=len(scored))
    rows = [
        LeagueRow(
            rank=shown.offset + index + 1,
            key=key,
            name=names.get(key) if key else None,
            totals=_totals(counts, customers=scope.unit_customers.get(key) if key else None),
            measures=_measures(counts, scope),
        )
        for index, (key, counts) in enumerate(scored[shown.offset : shown.offset + size])
    ]
    return League(
        **await _snapshot(session, scope),
        by=by,
        rows=rows,
        **_paging(shown),
    )


def _league_order(key: str | None, counts: Counts) -> tuple[float, float, int, str]:
    timeliness = measures.rate(*counts.ratio(Measure.TIMELINESS))
    satisfaction = measures.rate(*counts.ratio(Measure.SATISFACTION))
    # Nothing measured ranks below any measured value.
    return (
        -(timeliness if timeliness is not None else -1),
        -(satisfaction if satisfaction is not None else -1),
        -counts.volume,
        key or "",
    )


async def clusters(
    session: AsyncSession, *, scope: ReportScope, kind: ClusterKind, number: int, size: int
) -> Clusters:
    """Cases linked as repeats (the same complainant again) or as a group (many people, one
    text), with at least one case received in the window."""

    # EXISTS probes the facts by case id; IN would build the window's whole id list first.
    def in_window(case_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        return exists().where(facts.case_id == case_id, *scope.where())

    # Both cases of a link visible to the reader: a cluster joined through a case it cannot
    # see, or counted in `total` for its visible half alone, would tell of that case.
    def visible(case_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        return exists().where(facts.case_id == case_id, report_facts.visible_to(scope.principal))

    links = await _read(
        session,
        select(CaseLink.case_id, CaseLink.related_case_id).where(
            CaseLink.kind == kind.value,
            or_(in_window(CaseLink.case_id), in_window(CaseLink.related_case_id)),
            visible(CaseLink.case_id),
            visible(CaseLink.related_case_id),
        ),
    )
    groups = measures.clusters([(row.case_id, row.related_case_id) for row in links.all()])
    shown = page(number, size=size, total=len(groups))
    chosen = groups[shown.offset : shown.offset + size]
    members = {case_id for group in chosen for case_id in group}
    rows = await session.execute(
        select(
            facts.case_id, facts.case_number, facts.received_at, facts.unit_code, facts.business_type
        ).where(facts.case_id.in_(members), report_facts.visible_to(scope.principal))
    )
    by_id = {row.case_id: row for row in rows.all()}
    found = []
    for group in chosen:
        cases = sorted((by_id[c] for c in group if c in by_id), key=lambda row: row.received_at)
        if len(cases) < 2:  # the other cases are another unit's: nothing to show as a cluster
            continue
        found.append(
            Cluster(
                size=len(cases),
                case_numbers=[row.case_number for row in cases],
                first_received_at=cases[0].received_at,
                last_received_at=cases[-1].received_at,
                units=sorted({row.unit_code for row in cases if row.unit_code}),
                business_types=sorted({row.business_type for row in cases if row.business_type}),
            )
        )
    return Clusters(
        **await _snapshot(session, scope),
        kind=kind,
        clusters=found,
        **_paging(shown),
    )


async def overdue(
    session: AsyncSession, *, principal: Principal, now: datetime, number: int, size: int
) -> Overdue:
    """Live: each clock past due and not met on a case still being handled."""
    where = [
        Deadline.met_at.is_(None),
        Deadline.due_at < now,
        Deadline.state != DeadlineState.PAUSED,
        Case.status.not_in(FINISHED_STATUSES),  # a resolved case may still owe its callback
    ]
    if (visible := principal.case_filter()) is not None:
        where.append(visible)
    joined = select(Deadline).join(Case, Case.id == Deadline.case_id).where(and_(*where))
    total = (await _read(session, select(func.count()).select_from(joined.subquery()))).scalar_one()
    shown = page(number, size=size, total=total)
    rows = await session.execute(
        select(
            Case.case_number,
            Case.status,
            Case.severity,
            Case.unit_code,
            Case.assignee_staff_id,
            Deadline.kind,
            Deadline.due_at,
        )
        .join(Case, Case.id == Deadline.case_id)
        .where(and_(*where))
        .order_by(Deadline.due_at, Case.case_number, Deadline.kind)
        .offset(shown.offset)
        .limit(size)
    )
    return Overdue(
        as_of=now,
        clocks=[
            OverdueClock(
                case_number=row.case_number,
                status=row.status,
                severity=row.severity,
                unit=row.unit_code,
                assignee=row.assignee_staff_id,
                deadline=row.kind,
                due_at=row.due_at,
                overdue_hours=round((now - row.due_at).total_seconds() / 3600, 2),
            )
            for row in rows.all()
        ],
        **_paging(shown),
    )


async def _read(session: AsyncSession, statement: Executable) -> Result[Any]:
    """A report's query, planned for its own window (report_facts.plan_each_query)."""
    await report_facts.plan_each_query(session)
    return await session.execute(statement)


def _paging(shown: Page) -> dict[str, int]:
    return {"page": shown.number, "page_size": shown.size, "total": shown.total, "pages": shown.pages}


async def _snapshot(session: AsyncSession, scope: ReportScope) -> dict[str, Any]:
    return {
        "first": scope.window.first,
        "last": scope.window.last,
        "as_of": await report_facts.as_of(session),
    }


async def _names(session: AsyncSession, by: LeagueBy) -> dict[str, str]:
    if by is LeagueBy.HANDLER:
        result = await session.execute(select(StaffMember.staff_id, StaffMember.name))
    else:
        result = await session.execute(select(OrgUnit.code, OrgUnit.name))
    return {key: name for key, name in result.all()}


def _counts(row: Row[Any]) -> Counts:
    return Counts(**{name: int(getattr(row, name)) for name in Counts.__dataclass_fields__})


def _totals(counts: Counts, *, customers: int | None) -> Totals:
    return Totals(
        volume=counts.volume,
        resolved=counts.resolved,
        on_time=counts.on_time,
        late=counts.late,
        answered=counts.answered,
        satisfied=counts.satisfied,
        repeats=counts.repeats,
        reworked=counts.reworked,
        transfers=counts.transfers,
        per_10k_customers=measures.per_10k(counts.volume, customers),
    )


def _measures(counts: Counts, scope: ReportScope) -> list[MeasureValue]:
    targets = scope.reporting.targets.model_dump()
    found = []
    for measure in Measure:
        numerator, denominator = counts.ratio(measure)
        value = measures.rate(numerator, denominator)
        target = targets.get(measure.value)
        found.append(
            MeasureValue(
                measure=measure,
                numerator=numerator,
                denominator=denominator,
                value=value,
                target=target,
                comparison=COMPARISONS[measure],
                met=measures.meets(value, target=target, comparison=COMPARISONS[measure]),
            )
        )
    return found

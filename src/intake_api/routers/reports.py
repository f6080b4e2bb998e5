"""`/v1/reports/...`: the measures over a window of receipt dates (docs/measures.md)."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.domain.report_window import Grain, window
from complaints.domain.vocabulary import BusinessType, Cause, Channel, Severity, Source
from complaints.errors import InvalidInput
from complaints.reports import queries as reports
from complaints.schemas.keys import Permission
from complaints.schemas.moments import Day
from complaints.schemas.reports import (
    Breakdown,
    ClusterKind,
    Clusters,
    Dimension,
    League,
    LeagueBy,
    Matrix,
    Overdue,
    Pareto,
    Summary,
    Trend,
)
from complaints.security.api_keys import Principal
from complaints.settings import Settings
from intake_api.dependencies import ERROR_RESPONSES, NowDep, SessionDep, SettingsDep, require

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=ERROR_RESPONSES)

Reader = Annotated[Principal, Depends(require(Permission.REPORTS))]
Code = Annotated[str | None, Query(max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="From 1; past the last page is a 422.")]
PageSize = Annotated[int, Query(ge=1, le=200)]


@dataclass(frozen=True)
class _Query:
    first: date
    last: date
    filters: reports.Filters


async def _query(
    settings: SettingsDep,
    now: NowDep,
    first: Annotated[
        Day | None, Query(alias="from", description="First receipt date; default: the 1st of this month.")
    ] = None,
    last: Annotated[
        Day | None, Query(alias="to", description="Last receipt date, included; default: today.")
    ] = None,
    channel: Channel | None = None,
    source: Source | None = None,
    business_type: BusinessType | None = None,
    cause: Cause | None = None,
    severity: Severity | None = None,
    unit: Code = None,
    branch: Code = None,
) -> _Query:
    today = now.astimezone(settings.zone).date()
    last = last or today
    first = first or min(last, today).replace(day=1)
    if first > today:
        raise InvalidInput(f"the window starts after today ({today})", field="from", allowed=[f"<= {today}"])
    narrowed = (
        (Dimension.CHANNEL, channel),
        (Dimension.SOURCE, source),
        (Dimension.BUSINESS_TYPE, business_type),
        (Dimension.CAUSE, cause),
        (Dimension.SEVERITY, severity),
        (Dimension.UNIT, unit),
        (Dimension.BRANCH, branch),
    )
    return _Query(first, last, reports.Filters({d: value for d, value in narrowed if value is not None}))


async def _scope_for(
    session: AsyncSession, settings: Settings, principal: Principal, query: _Query, grain: Grain | None
) -> reports.ReportScope:
    return await reports.scope_for(
        session,
        principal=principal,
        window=window(query.first, query.last, grain=grain),
        filters=query.filters,
    )


QueryDep = Annotated[_Query, Depends(_query)]


async def _scope(
    session: SessionDep, settings: SettingsDep, principal: Reader, query: QueryDep
) -> reports.ReportScope:
    return await _scope_for(session, settings, principal, query, None)


ScopeDep = Annotated[reports.ReportScope, Depends(_scope)]


@router.get(
    "/summary",
    response_model=Summary,
    operation_id="reportSummary",
    summary="Every measure for the complaints received in a window, against its target",
)
async def report_summary(session: SessionDep, scope: ScopeDep) -> Summary:
    return await reports.summary(session, scope=scope)


@router.get(
    "/breakdown",
    response_model=Breakdown,
    operation_id="reportBreakdown",
    summary="Volume and measures per value of one dimension, largest first",
)
async def report_breakdown(session: SessionDep, scope: ScopeDep, dimension: Dimension) -> Breakdown:
    return await reports.breakdown(session, scope=scope, dimension=dimension)


@router.get(
    "/matrix",
    response_model=Matrix,
    operation_id="reportMatrix",
    summary="Two dimensions crossed, e.g. branches × business types: a heat map's cells",
)
async def report_matrix(session: SessionDep, scope: ScopeDep, rows: Dimension, columns: Dimension) -> Matrix:
    return await reports.matrix(session, scope=scope, rows=rows, columns=columns)


@router.get(
    "/trend",
    response_model=Trend,
    operation_id="reportTrend",
    summary="Volume and timeliness per day, week or month, optionally split by a dimension",
    description="The grain limits the window: a daily trend covers at most 92 days, weekly 366, monthly 731.",
)
async def report_trend(
    session: SessionDep,
    settings: SettingsDep,
    principal: Reader,
    query: QueryDep,
    grain: Grain = Grain.WEEK,
    dimension: Dimension | None = None,
) -> Trend:
    scope = await _scope_for(session, settings, principal, query, grain)
    return await reports.trend(session, scope=scope, grain=grain, dimension=dimension)


@router.get(
    "/pareto",
    response_model=Pareto,
    operation_id="reportPareto",
    summary="Causes by count with their cumulative share: the few that make most complaints",
)
async def report_pareto(session: SessionDep, scope: ScopeDep) -> Pareto:
    return await reports.pareto(session, scope=scope)


@router.get(
    "/league",
    response_model=League,
    operation_id="reportLeague",
    summary="Handlers or units ranked by timeliness, then satisfaction, then volume",
)
async def report_league(
    session: SessionDep,
    scope: ScopeDep,
    by: LeagueBy = LeagueBy.UNIT,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> League:
    return await reports.league(session, scope=scope, by=by, number=page, size=page_size)


@router.get(
    "/clusters",
    response_model=Clusters,
    operation_id="reportClusters",
    summary="Repeat complaints of one complainant, or group complaints of many, as clusters of cases",
)
async def report_clusters(
    session: SessionDep,
    scope: ScopeDep,
    kind: ClusterKind = ClusterKind.REPEAT,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Clusters:
    return await reports.clusters(session, scope=scope, kind=kind, number=page, size=page_size)


@router.get(
    "/overdue",
    response_model=Overdue,
    operation_id="reportOverdue",
    summary="Every clock past due and not met, most overdue first (live, not a snapshot)",
)
async def report_overdue(
    session: SessionDep, now: NowDep, principal: Reader, page: PageNumber = 1, page_size: PageSize = 50
) -> Overdue:
    return await reports.overdue(session, principal=principal, now=now, number=page, size=page_size)

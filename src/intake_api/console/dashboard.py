"""GET /console/dashboard: the report service's figures as server-drawn SVG charts, no JavaScript.

Volume trend, timeliness against its target, callback satisfaction, the Pareto of causes and a
heat map of branches × business types, over the last days (30 by default) of what the person
sees. The figures come from the report snapshot (complaints.reports.facts), so they
are as old as its `as_of`.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.domain.measures import Measure
from complaints.domain.report_window import Grain, window
from complaints.reports import facts as report_facts
from complaints.reports import queries as reports
from complaints.schemas.reports import Dimension
from intake_api.console import charts, desk
from intake_api.console.i18n import Words, language
from intake_api.dependencies import now_of

router = APIRouter(prefix="/console")


@dataclass(frozen=True)
class Figure:
    """One chart: its `data-chart` name, title, drawing, and the same numbers as a table."""

    name: str
    title: str
    chart: charts.Chart
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]


async def _heat(db: AsyncSession, scope: reports.ReportScope, words: Words) -> Figure:
    """Branches × (classified) business types."""
    crossed = await reports.matrix(db, scope=scope, rows=Dimension.BRANCH, columns=Dimension.BUSINESS_TYPE)
    counts = {(cell.row, cell.column): cell.volume for cell in crossed.cells if cell.column is not None}
    by_type: Counter[str] = Counter()
    for (_, business_type), volume in counts.items():
        by_type[business_type] += volume
    types = [business_type for business_type, _ in by_type.most_common()]  # busiest first
    branches = sorted({branch for branch, _ in counts}, key=lambda key: (key is None, key or ""))
    names = [branch or words.t("no_branch") for branch in branches]
    columns = [words.label("business_type", key) for key in types]
    grid = [[counts.get((branch, key), 0) for key in types] for branch in branches]
    return Figure(
        "heatmap",
        words.t("heatmap"),
        charts.heatmap(names, columns, grid),
        (words.t("branch"), *columns),
        [(name, *(str(count) for count in row)) for name, row in zip(names, grid, strict=True)],
    )


async def _figures(db: AsyncSession, scope: reports.ReportScope, words: Words, grain: Grain) -> list[Figure]:
    summary = await reports.summary(db, scope=scope)
    trend = await reports.trend(db, scope=scope, grain=grain, dimension=None)
    causes = await reports.pareto(db, scope=scope)

    days = [f"{point.bucket:%m-%d}" for point in trend.points]
    volumes = [point.volume for point in trend.points]
    bucket_title = words.t("day") if grain is Grain.DAY else words.t("week_of")
    volume = Figure(
        "volume",
        words.t("volume_trend"),
        charts.bars(volumes, days, every=max(1, len(days) // 8)),
        (bucket_title, words.t("count")),
        [(day, str(count)) for day, count in zip(days, volumes, strict=True)],
    )

    timeliness_value = next(m for m in summary.measures if m.measure is Measure.TIMELINESS)
    percent = "—" if timeliness_value.value is None else f"{timeliness_value.value:.1%}"
    goal = "—" if timeliness_value.target is None else f"{timeliness_value.target:.0%}"
    timeliness = Figure(
        "timeliness",
        words.t("timeliness"),
        charts.rate_against_target(
            timeliness_value.value, timeliness_value.target, labels=(words.t("actual"), words.t("target"))
        ),
        (words.t("actual"), words.t("target")),
        [(f"{percent} ({timeliness_value.numerator}/{timeliness_value.denominator})", goal)],
    )

    totals = summary.totals
    parts = [
        (words.t("satisfied"), totals.satisfied, charts.GOOD),
        (words.t("dissatisfied"), totals.answered - totals.satisfied, charts.LATE),
    ]
    satisfaction = Figure(
        "satisfaction",
        words.t("satisfaction"),
        charts.split(parts),
        (words.t("satisfaction"), words.t("count")),
        [(label, str(count)) for label, count, _ in parts],
    )

    cause_names = [words.label("cause", c.cause) if c.cause else words.t("unknown") for c in causes.causes]
    pareto = Figure(
        "pareto",
        words.t("pareto"),
        charts.pareto([c.count for c in causes.causes], cause_names),
        (words.t("cause"), words.t("count"), words.t("cumulative")),
        [
            (name, str(c.count), f"{c.cumulative_share:.0%}")
            for name, c in zip(cause_names, causes.causes, strict=True)
        ],
    )
    return [volume, timeliness, satisfaction, pareto, await _heat(db, scope, words)]


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, days: Annotated[int, Query(ge=7, le=90)] = 30) -> Response:
    async with desk.desk(request) as here:
        if here.staff is None:
            return desk.to_login(request)
        settings = desk.settings_of(request)
        words = Words(language(request))
        today = now_of(request).astimezone(settings.zone).date()
        grain = Grain.DAY if days <= 31 else Grain.WEEK
        scope = await reports.scope_for(
            here.db,
            principal=here.staff.principal,
            window=window(today - timedelta(days=days - 1), today, grain=grain),
        )
        figures = await _figures(here.db, scope, words, grain)
        as_of = await report_facts.as_of(here.db)
        return desk.page(
            request, "dashboard.html", staff=here.staff, figures=figures, days=days, scope=scope, as_of=as_of
        )

"""Benchmark of the reports over a year of complaints, at 10,000 and at 1,000,000 cases.

    .venv/bin/python bench/reports.py [--cases 1000000] [--small 10000] [--runs 7]

Against COMPLAINTS_DATABASE_URL (scratch databases are created beside the one named and
dropped afterwards), or, when unset, the embedded Postgres under a temporary directory. For
each size: a fresh database with the demo bank, a year of generated history
(complaints.demo.history, COPY-loaded), a timed refresh of the report facts, then every
report function called `--runs` times (after one warm-up) over the year. Prints a markdown
table of p50/p95 milliseconds at both sizes and the large/small ratio of the p50s, and
`EXPLAIN (ANALYZE, BUFFERS)` of the year summary at the large size.

Not part of the test suite (tests/bench runs a tiny variant so it does not rot).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from harness import fresh_database, percentile, postgres_server, workdir
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.demo import history
from complaints.domain.regulator_codes import current_mapping
from complaints.domain.report_window import Grain, window
from complaints.reports import facts as report_facts
from complaints.reports import queries as reports
from complaints.reports.regulator_export import regulator_statistics
from complaints.schemas.keys import Permission
from complaints.schemas.reports import ClusterKind, Dimension, LeagueBy
from complaints.security.api_keys import Principal
from complaints.settings import Settings

DAYS = 365
SEED = 1
PAGE = 20
# A report still running after this long is reported as such rather than waited for.
STATEMENT_TIMEOUT_MS = 60_000
QUERY_CANCELED = "57014"
ADMIN = Principal(key_id=0, name="bench", scopes=frozenset(Permission), unit_code=None)

Report = Callable[[AsyncSession], Awaitable[object]]


@dataclass
class Measured:
    cases: int
    load_seconds: float = 0.0
    refresh_seconds: float = 0.0
    times_ms: dict[str, list[float]] = field(default_factory=dict)
    plan: str = ""


def last_quarter(today: datetime) -> str:
    quarter = (today.month - 1) // 3  # the last one completed; 0: last year's fourth
    return f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"


def report_calls(scope: reports.ReportScope, *, now: datetime, zone: ZoneInfo) -> dict[str, Report]:
    """Every report function, as the API calls it, over the year."""
    return {
        "summary": lambda s: reports.summary(s, scope=scope),
        "breakdown by unit": lambda s: reports.breakdown(s, scope=scope, dimension=Dimension.UNIT),
        "breakdown by business type": lambda s: reports.breakdown(
            s, scope=scope, dimension=Dimension.BUSINESS_TYPE
        ),
        "trend by month": lambda s: reports.trend(s, scope=scope, grain=Grain.MONTH, dimension=None),
        "trend by week x channel": lambda s: reports.trend(
            s, scope=scope, grain=Grain.WEEK, dimension=Dimension.CHANNEL
        ),
        "pareto of causes": lambda s: reports.pareto(s, scope=scope),
        "league of handlers": lambda s: reports.league(
            s, scope=scope, by=LeagueBy.HANDLER, number=1, size=PAGE
        ),
        "league of units": lambda s: reports.league(s, scope=scope, by=LeagueBy.UNIT, number=1, size=PAGE),
        "clusters of repeats": lambda s: reports.clusters(
            s, scope=scope, kind=ClusterKind.REPEAT, number=1, size=PAGE
        ),
        "clusters of groups": lambda s: reports.clusters(
            s, scope=scope, kind=ClusterKind.GROUP, number=1, size=PAGE
        ),
        "overdue list": lambda s: reports.overdue(s, principal=ADMIN, now=now, number=1, size=PAGE),
        "regulator statistics (quarter)": lambda s: regulator_statistics(
            s,
            label=last_quarter(now.astimezone(zone)),
            principal=ADMIN,
            mapping=current_mapping(),
            timezone=zone,
            now=now,
        ),
    }


async def measure(url: str, *, cases: int, runs: int, with_plan: bool) -> Measured:
    settings = Settings()
    engine = create_engine(url, pool_size=1)
    sessions = create_session_factory(engine)
    now = datetime.now(UTC)
    found = Measured(cases)
    try:
        async with unit_of_work(sessions) as session:
            rulebook = await load_rulebook(session, zone=settings.zone)
            end = rulebook.calendar.local_date(now)
            began = time.perf_counter()
            await history.load(
                session, rulebook=rulebook, cases=cases, days=DAYS, end=end, seed=SEED, now=now
            )
            found.load_seconds = time.perf_counter() - began
        async with unit_of_work(sessions) as session:
            began = time.perf_counter()
            await report_facts.refresh(session, now=now, timezone=settings.zone)
            found.refresh_seconds = time.perf_counter() - began
        async with sessions() as session:
            scope = await reports.scope_for(
                session,
                principal=ADMIN,
                window=window(end - timedelta(days=DAYS - 1), end),
            )
        for name, call in report_calls(scope, now=now, zone=settings.zone).items():
            found.times_ms[name] = await timed(sessions, call, runs=runs)
        if with_plan:
            found.plan = await explain(engine, sessions, lambda s: reports.summary(s, scope=scope))
    finally:
        await engine.dispose()
    return found


async def timed(sessions: Any, call: Report, *, runs: int) -> list[float]:
    """Milliseconds per call, each in a session of its own as a request has; one warm-up
    first. Empty when a call outlasted STATEMENT_TIMEOUT_MS: the report does not scale."""
    times = []
    for run in range(runs + 1):
        async with sessions() as session:
            await session.execute(text(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            began = time.perf_counter()
            try:
                await call(session)
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) != QUERY_CANCELED:
                    raise
                return []
            if run:
                times.append((time.perf_counter() - began) * 1000)
    return times


async def explain(engine: Any, sessions: Any, call: Report) -> str:
    """The plan of the report's (first) aggregate over the facts, as the service sends it."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "report_case_facts" in statement and "count(" in statement:
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with sessions() as session:
            await call(session)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    statement, parameters = captured[0]
    async with engine.connect() as connection:
        rows = await connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(row[0] for row in rows)


def _ms(times: list[float], q: float) -> str:
    return f"{percentile(times, q):.1f}" if times else f"> {STATEMENT_TIMEOUT_MS:,}"


def table(small: Measured, large: Measured) -> str:
    lines = [
        f"| report | {small.cases:,} p50 ms | p95 ms | {large.cases:,} p50 ms | p95 ms | ratio (p50) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, small_times in small.times_ms.items():
        large_times = large.times_ms[name]
        s50, l50 = percentile(small_times, 50), percentile(large_times, 50)
        lines.append(
            f"| {name} | {_ms(small_times, 50)} | {_ms(small_times, 95)} | {_ms(large_times, 50)} "
            f"| {_ms(large_times, 95)} | {l50 / s50:.1f} |"
        )
    lines.append(
        f"| *history load (COPY, first refresh)* | {small.load_seconds * 1000:.0f} | "
        f"| {large.load_seconds * 1000:.0f} | | {large.load_seconds / small.load_seconds:.1f} |"
    )
    lines.append(
        f"| *facts refresh (concurrently)* | {small.refresh_seconds * 1000:.0f} | | "
        f"{large.refresh_seconds * 1000:.0f} | | {large.refresh_seconds / small.refresh_seconds:.1f} |"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases at the large size")
    parser.add_argument("--small", type=int, default=10_000, help="cases at the small size")
    parser.add_argument("--runs", type=int, default=7, help="timed calls per report and size")
    args = parser.parse_args()
    if not 0 < args.small < args.cases:
        parser.error("need 0 < --small < --cases")
    print(f"reports benchmark: a year of history, {args.small:,} and {args.cases:,} cases", flush=True)
    measured = []
    with (
        workdir("bench-reports-") as work,
        postgres_server(os.environ.get("COMPLAINTS_DATABASE_URL"), work) as server,
    ):
        for size in (args.small, args.cases):
            with fresh_database(server, f"complaints_reports_{size}_{os.getpid()}") as (url, _key):
                found = asyncio.run(measure(url, cases=size, runs=args.runs, with_plan=size == args.cases))
                print(f"  {size:,} cases: loaded in {found.load_seconds:.1f} s", flush=True)
                measured.append(found)
    small, large = measured
    print("\n" + table(small, large))
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the year summary at {large.cases:,} cases:")
    print("\n".join("    " + line for line in large.plan.splitlines()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

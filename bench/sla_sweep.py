"""Benchmark of the deadline sweep at a million open cases.

    .venv/bin/python bench/sla_sweep.py [--cases 1000000] [--small 10000] [--falling-due 100000]

Against COMPLAINTS_DATABASE_URL (a scratch database is created beside the one named and dropped
afterwards), or, when unset, the embedded Postgres under a temporary directory. Reports in
one run:

1. sweep time per tick at `--small` and at `--cases` open cases, and their ratio (target <= 2):
   the same 500 overdue clocks are swept and rolled back, again and again, with the rest of
   the open cases' clocks due later (COPY-loaded, as `asyncpg.copy_records_to_table`);
2. `EXPLAIN (ANALYZE, BUFFERS)` of the claim query (an index scan on the partial index);
3. with two sweeper processes (own connections) ticking at the configured interval
   (COMPLAINTS_SLA_SWEEP_INTERVAL_SECONDS, default 1 s) while `--falling-due` clocks fall due
   over `--window` seconds: breach-detection lag (breach recorded - due) p50/p99 (target
   p99 <= 5 s), and missed / duplicate breach events (target 0 / 0).

Exit status 1 when a breach was missed or recorded twice; target misses are printed only.
Not part of the test suite (tests/bench runs a tiny variant so it does not rot).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from complaints.configuration.apply import apply_config
from complaints.configuration.config_file import DEMO_CONFIG, load_config
from complaints.configuration.rulebook import load_rulebook
from complaints.db import bulk, migrate
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.deadlines.sweep import claim_query, sweep_once
from complaints.settings import Settings

DUE_SET = 500  # overdue clocks every measured tick sweeps (and rolls back)
TICKS = 15
CHUNK = 100_000
FAR = timedelta(days=30)  # background clocks: nothing to announce during the run
LEAD = 5.0  # seconds between starting the sweepers and the first clock falling due

CASE_COLUMNS = (
    "id",
    "case_number",
    "status",
    "channel",
    "source",
    "received_at",
    "content",
    "confidential",
    "severity",
    "flags",
    "unit_code",
    "escalation_level",
)
DEADLINE_COLUMNS = (
    "case_id",
    "kind",
    "state",
    "started_at",
    "due_at",
    "period",
    "unit",
    "amount",
    "excluded",
    "warn_at",
    "warnings_sent",
    "next_check_at",
)


# --- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    kind: str
    period: str
    unit: str
    amount: int


REGULATORY = Clock("regulatory", "15 days", "days", 15)
FIRST_RESPONSE = Clock("first_response", "24 hours", "hours", 24)


def _case(case_id: int, received: datetime) -> tuple[object, ...]:
    return (
        case_id,
        f"BENCH{case_id:012d}",
        "assigned",
        "hotline",
        "direct",
        received,
        "bench",
        False,
        "general",
        [],
        "HQ-CARD",
        "handler",
    )


def _deadline(case_id: int, clock: Clock, *, started: datetime, due: datetime) -> tuple[object, ...]:
    return (
        case_id,
        clock.kind,
        "running",
        started,
        due,
        clock.period,
        clock.unit,
        clock.amount,
        0,
        [],
        0,
        due,
    )


async def load(
    connection: asyncpg.Connection, *, first_id: int, count: int, clock: Clock, due: Iterator[datetime]
) -> None:
    """`count` open cases from `first_id` on, one running clock each, by COPY in chunks."""
    started = datetime.now(UTC) - timedelta(hours=1)
    for offset in range(0, count, CHUNK):
        ids = range(first_id + offset, first_id + min(offset + CHUNK, count))
        await bulk.copy_rows(
            connection, table="cases", columns=CASE_COLUMNS, rows=[_case(i, started) for i in ids]
        )
        await bulk.copy_rows(
            connection,
            table="deadlines",
            columns=DEADLINE_COLUMNS,
            rows=[_deadline(i, clock, started=started, due=next(due)) for i in ids],
        )
    await connection.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), max(id)) FROM cases")
    await bulk.analyze(connection, tables=["cases", "deadlines"])


def always(moment: datetime) -> Iterator[datetime]:
    while True:
        yield moment


# --- measurements -----------------------------------------------------------------------------


async def tick_times(url: str, *, at: datetime) -> list[float]:
    """Seconds per sweep tick over the same overdue set, each tick rolled back."""
    engine = create_engine(url, pool_size=1)
    sessions = create_session_factory(engine)
    times = []
    try:
        async with sessions() as session:
            rulebook = await load_rulebook(session, zone=Settings().zone)
        for _ in range(TICKS):
            async with sessions() as session:
                began = time.perf_counter()
                result = await sweep_once(session, now=at, batch=DUE_SET, rulebook=rulebook)
                times.append(time.perf_counter() - began)
                await session.rollback()  # the same overdue set again next tick
            if result.breached != DUE_SET:
                raise RuntimeError(f"expected {DUE_SET} breaches per tick, got {result}")
    finally:
        await engine.dispose()
    return times[2:]  # the first ticks warm caches and the rulebook


async def explain(url: str, *, at: datetime) -> str:
    query = claim_query(now=at, batch=DUE_SET)
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql))
            plan = "\n".join(row[0] for row in rows)
            await connection.rollback()
    finally:
        await engine.dispose()
    return plan


def sweeper(
    url: str,
    stop_at: float,
    interval: int,
    batch: int,
    results: multiprocessing.Queue[tuple[int, list[float]]],
) -> None:
    """One sweeper process: ticks at the configured interval, like the SLA worker's cron."""
    asyncio.run(_sweep_until(url, stop_at, interval, batch, results))


async def _sweep_until(
    url: str,
    stop_at: float,
    interval: int,
    batch: int,
    results: multiprocessing.Queue[tuple[int, list[float]]],
) -> None:
    engine = create_engine(url, pool_size=1)
    sessions = create_session_factory(engine)
    commit_delays: list[float] = []
    breached = 0
    try:
        async with sessions() as session:
            rulebook = await load_rulebook(session, zone=Settings().zone)
        while time.time() < stop_at:
            # Like arq's cron: fire on the next whole multiple of the interval.
            await asyncio.sleep(interval - time.time() % interval)
            while True:
                now = datetime.now(UTC)
                async with unit_of_work(sessions) as session:
                    result = await sweep_once(session, now=now, batch=batch, rulebook=rulebook)
                # How long after `now` (the recorded breach time) the breach became visible.
                commit_delays.append((datetime.now(UTC) - now).total_seconds())
                breached += result.breached
                if result.claimed < batch:
                    break
    finally:
        await engine.dispose()
    results.put((breached, commit_delays))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else float("nan")


# --- the run ----------------------------------------------------------------------------------


@contextmanager
def server() -> Iterator[str]:
    url = os.environ.get("COMPLAINTS_DATABASE_URL")
    if url:
        yield url
        return
    from complaints.local.embedded import embedded_services

    data_dir = Path(tempfile.mkdtemp(prefix="bench-", dir="/tmp"))
    try:
        with embedded_services(data_dir) as embedded:
            yield embedded.database_url
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


async def admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def prepare(url: str) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            await apply_config(session, loaded=load_config(DEMO_CONFIG), today=datetime.now(UTC).date())
    finally:
        await engine.dispose()


async def scalar(connection: asyncpg.Connection, sql: str) -> object:
    return await connection.fetchval(sql)


def report(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  MISSED TARGET")
    print(f"  {label:<44} {value:>16}  {target}{verdict}", flush=True)


async def run(args: argparse.Namespace, server_url: str) -> int:
    name = f"complaints_bench_{os.getpid()}"
    base = make_url(server_url)
    await admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin(server_url, f"CREATE DATABASE {name}")
    url = base.set(database=name).render_as_string(hide_password=False)
    dsn = base.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    began = time.perf_counter()
    try:
        await asyncio.to_thread(migrate.upgrade, url)  # Alembic runs its own event loop
        await prepare(url)
        connection = await asyncpg.connect(dsn)
        try:
            return await _measure(args, url, connection, began)
        finally:
            await connection.close()
    finally:
        if not args.keep:
            await admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def _measure(args: argparse.Namespace, url: str, connection: asyncpg.Connection, began: float) -> int:
    now = datetime.now(UTC)
    overdue = now - timedelta(minutes=5)
    later = now + FAR
    print(f"sla sweep benchmark: {args.cases:,} open cases, {os.cpu_count()} cores", flush=True)

    # The overdue set first (ids 1..500), then the rest of the small population.
    await load(connection, first_id=1, count=DUE_SET, clock=FIRST_RESPONSE, due=always(overdue))
    await load(
        connection, first_id=DUE_SET + 1, count=args.small - DUE_SET, clock=REGULATORY, due=always(later)
    )
    small = await tick_times(url, at=now)

    loading = time.perf_counter()
    await load(
        connection,
        first_id=args.small + 1,
        count=args.cases - args.small,
        clock=REGULATORY,
        due=always(later),
    )
    load_seconds = time.perf_counter() - loading
    large = await tick_times(url, at=now)
    plan = await explain(url, at=now)
    indexed = await scalar(connection, "SELECT count(*) FROM deadlines WHERE next_check_at IS NOT NULL")

    ratio = statistics.median(large) / statistics.median(small)
    print(f"\n1. sweep tick ({DUE_SET} overdue clocks breached per tick, median of {len(small)}):")
    report(f"at {args.small:,} open cases", f"{statistics.median(small) * 1000:.1f} ms")
    report(f"at {args.cases:,} open cases", f"{statistics.median(large) * 1000:.1f} ms")
    report("ratio large / small", f"{ratio:.2f}", "target <= 2", ratio <= 2)
    report("COPY load of the large population", f"{load_seconds:.1f} s")
    print(f"\n2. EXPLAIN ANALYZE of the claim query ({indexed:,} clocks in the partial index):")
    print("\n".join("     " + line for line in plan.splitlines()), flush=True)

    # 3. Clocks falling due during the run, two sweepers at the configured interval.
    await connection.execute("DELETE FROM deadlines WHERE case_id <= $1", DUE_SET)
    interval = Settings().sla_sweep_interval_seconds
    batch = Settings().sla_sweep_batch_size
    first = args.cases + 1
    # Loaded due far away, then moved into the run in one UPDATE once the sweepers are up.
    await load(connection, first_id=first, count=args.falling_due, clock=FIRST_RESPONSE, due=always(later))
    spawn = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[int, list[float]]] = spawn.Queue()
    t0 = time.time() + LEAD
    stop_at = t0 + args.window + args.grace
    workers = [spawn.Process(target=sweeper, args=(url, stop_at, interval, batch, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    step = args.window / max(args.falling_due - 1, 1)
    updating = time.perf_counter()
    await connection.execute(
        """
        UPDATE deadlines
           SET due_at = to_timestamp($1 + (case_id - $2) * $3),
               next_check_at = to_timestamp($1 + (case_id - $2) * $3)
         WHERE case_id >= $2
        """,
        t0,
        first,
        step,
    )
    update_seconds = time.perf_counter() - updating
    outcomes = [results.get() for _ in workers]
    for worker in workers:
        worker.join()

    per_sweeper = [breached for breached, _ in outcomes]
    commit_delays = [delay for _, delays in outcomes for delay in delays]
    lag = await connection.fetchrow(
        """
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM breached_at - due_at)) AS p50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM breached_at - due_at)) AS p99,
               max(extract(epoch FROM breached_at - due_at)) AS worst
          FROM deadlines WHERE case_id >= $1 AND breached_at IS NOT NULL
        """,
        first,
    )
    missed = await connection.fetchval(
        "SELECT count(*) FROM deadlines WHERE case_id >= $1 AND state <> 'breached'", first
    )
    events = await connection.fetchrow(
        """
        SELECT count(*) AS total, count(DISTINCT (case_id, data->>'deadline')) AS distinct_clocks
          FROM case_events WHERE kind = 'deadline_breached' AND case_id >= $1
        """,
        first,
    )
    escalations = await connection.fetchval(
        "SELECT count(*) FROM case_events WHERE kind = 'escalated' AND case_id >= $1", first
    )
    notices = await connection.fetchval("SELECT count(*) FROM outbox WHERE job = 'notify_manager'")
    duplicates = events["total"] - events["distinct_clocks"]
    unrecorded = args.falling_due - events["distinct_clocks"]
    print(
        f"\n3. {args.falling_due:,} clocks falling due over {args.window:.0f} s, two sweeper processes, "
        f"interval {interval} s, batch {batch}:"
    )
    report(
        "moving them into the run (one UPDATE)",
        f"{update_seconds:.1f} s",
        f"first due {LEAD:.0f} s after start",
    )
    report("breaches per sweeper", " + ".join(f"{n:,}" for n in per_sweeper))
    if lag["p50"] is None:  # not one breach recorded: say so rather than fail to print
        report("breach lag (recorded - due)", "no breach recorded", "target <= 5 s", False)
    else:
        report("breach lag (recorded - due) p50", f"{lag['p50']:.2f} s")
        report("breach lag (recorded - due) p99", f"{lag['p99']:.2f} s", "target <= 5 s", lag["p99"] <= 5)
        report("breach lag worst", f"{lag['worst']:.2f} s")
    report("recorded -> committed p99 (per batch)", f"{percentile(commit_delays, 0.99):.2f} s")
    report("missed (clock not breached)", f"{missed:,}", "target 0", missed == 0)
    report("missed (no breach event)", f"{unrecorded:,}", "target 0", unrecorded == 0)
    report("duplicate breach events", f"{duplicates:,}", "target 0", duplicates == 0)
    report("escalations / manager notices", f"{escalations:,} / {notices:,}", "one each per breach")
    print(f"\ntotal run {time.perf_counter() - began:.0f} s", flush=True)
    exact = missed == 0 and unrecorded == 0 and duplicates == 0
    exact = exact and escalations == args.falling_due and notices == args.falling_due
    return 0 if exact else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="open cases at the large scale")
    parser.add_argument("--small", type=int, default=10_000, help="open cases at the small scale")
    parser.add_argument("--falling-due", type=int, default=100_000, help="clocks falling due during the run")
    parser.add_argument("--window", type=float, default=100.0, help="seconds over which they fall due")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds the sweepers run past the window")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if not DUE_SET < args.small < args.cases:
        parser.error(f"need {DUE_SET} < --small < --cases")
    with server() as server_url:
        return asyncio.run(run(args, server_url))


if __name__ == "__main__":
    sys.exit(main())

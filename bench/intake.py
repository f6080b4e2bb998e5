"""Intake throughput against what Postgres allows, in one run.

    .venv/bin/python bench/intake.py [--database-url URL] [--clients 16] [--seconds 15]

(a) pgbench runs the very transaction the intake endpoint sends (captured from the code,
    prepared, same client count): the physical limit of this machine.
(b) The API under a closed-loop load at that concurrency, for each server stack: sustained
    throughput, p50/p99/p99.9 latency. The best stack's throughput over (a) is the ratio.
(c) With a routing worker running: enqueue→routed latency p50/p99 at a steady rate, and
    routing throughput of one worker draining a backlog.

Postgres: the server in --database-url (a database of its own is created and dropped), else
an embedded one. Redis: a redis-server of its own on a unix socket. Loopback only. Needs the
`bench` dependency group for granian and py-spy: `.tools/bin/uv sync --all-extras --group bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import (
    BODY,
    LoadResult,
    RedisServer,
    Stack,
    api_process,
    app_env,
    closed_loop,
    free_port,
    fresh_database,
    percentile,
    postgres_server,
    redis_server,
    steady_load_in_background,
    wait_http,
    workdir,
    worker_process,
)
from pgbench_script import captured_script, run_pgbench
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


@dataclass
class StackResult:
    stack: Stack
    load: LoadResult

    def line(self, limit: float) -> str:
        lat = self.load.latencies_ms
        other = {s: n for s, n in self.load.statuses.items() if not 200 <= s < 300}
        return (
            f"  {self.stack!s:<12} {self.load.throughput:8.0f} req/s  "
            f"ratio {self.load.throughput / limit:5.2f}  "
            f"p50 {percentile(lat, 50):6.1f} ms  p99 {percentile(lat, 99):6.1f} ms  "
            f"p99.9 {percentile(lat, 99.9):6.1f} ms  non-2xx {other or 0}"
        )


def merged(loads: list[LoadResult]) -> LoadResult:
    """The rounds of one stack as one: median throughput, every latency, all statuses."""
    statuses: dict[int, int] = {}
    for load in loads:
        for status, count in load.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    median = statistics.median(load.throughput for load in loads)
    latencies = [latency for load in loads for latency in load.latencies_ms]
    # A LoadResult whose throughput is the median: ok / seconds.
    ok = sum(count for status, count in statuses.items() if 200 <= status < 300)
    return LoadResult(ok / median if median else 0.0, statuses, latencies)


def measure_stack(
    stack: Stack, env: dict[str, str], key: str, args: argparse.Namespace, logs: Path
) -> StackResult:
    port = free_port()
    api = api_process(stack, port, env, logs / f"api-{stack.server}-{stack.workers}.log").start()
    try:
        wait_http(port)
        load = closed_loop(
            port,
            key,
            clients=args.clients,
            warmup=args.warmup,
            duration=args.seconds,
            tag=f"{stack.server}{stack.workers}",
        )
    finally:
        api.stop()
    return StackResult(stack, load)


def profile(stack: Stack, env: dict[str, str], key: str, args: argparse.Namespace, logs: Path) -> str:
    """py-spy's view of the API under the same load: where its time goes, by function."""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.exists():
        return "  (py-spy not installed: `.tools/bin/uv sync --all-extras --group bench`)"
    port = free_port()
    api = api_process(Stack(stack.server, 1), port, env, logs / "api-profile.log").start()
    raw = logs / "profile.txt"
    try:
        wait_http(port)
        recorder = subprocess.Popen(
            [str(spy), "record", "--pid", str(api.pid), "--duration", str(int(args.seconds)), "--rate", "200",
             "--format", "raw", "--output", str(raw), "--nonblocking", "--subprocesses", "--gil"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        closed_loop(port, key, clients=args.clients, warmup=0, duration=args.seconds + 1, tag="profile")
        _, error = recorder.communicate(timeout=60)
        if recorder.returncode != 0:
            return f"  (py-spy failed: {error.decode().strip()[-300:]})"
    finally:
        api.stop()
    return summarise_profile(raw)


# What a sample's innermost frames say the process was doing.
CATEGORIES = [
    ("waiting for events (idle)", ("select (selectors.py", "_run_once", "uvloop/loop.pyx:run")),
    ("pydantic validation/serialisation", ("pydantic",)),
    ("SQLAlchemy ORM/core", ("sqlalchemy/orm", "sqlalchemy/sql", "sqlalchemy/engine")),
    ("asyncpg driver", ("asyncpg",)),
    ("FastAPI/Starlette routing+deps", ("fastapi/", "starlette/")),
    ("JSON", ("json/",)),
    ("arq/redis enqueue", ("arq/", "redis/")),
    ("logging", ("logging/", "observability/logs", "observability/redaction")),
    ("prometheus", ("prometheus_client",)),
    ("application code", ("complaints/", "intake_api/")),
]


def summarise_profile(raw: Path) -> str:
    totals: dict[str, int] = {}
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        samples += count
        frames = stack.split(";")
        leaf = frames[-1]
        category = "other (interpreter, uvloop, server)"
        for name, needles in CATEGORIES:
            if any(n in leaf for n in needles):
                category = name
                break
        else:
            # Attribute to the innermost frame from a known library.
            for frame in reversed(frames):
                match = next((name for name, needles in CATEGORIES if any(n in frame for n in needles)), None)
                if match:
                    category = match
                    break
        totals[category] = totals.get(category, 0) + count
    if not samples:
        return "  (no samples)"
    lines = [
        f"  {100 * n / samples:5.1f} %  {name}" for name, n in sorted(totals.items(), key=lambda kv: -kv[1])
    ]
    return "\n".join(lines)


async def _routing_latency(database_url: str, tag: str) -> list[float]:
    """enqueue→routed per case: from the case's intake (created_at) to its 'assigned' event."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT extract(epoch FROM e.at - c.created_at) * 1000 FROM cases c "
                    "JOIN case_events e ON e.case_id = c.id AND e.kind = 'assigned' "
                    "WHERE c.external_ref LIKE :tag"
                ),
                {"tag": f"{tag}-%"},
            )
            return [float(r[0]) for r in rows]
    finally:
        await engine.dispose()


def reset(database_url: str, redis: RedisServer) -> None:
    """Empty the case tables and the queues between phases, so each starts alike and counts
    only its own (jobs of an earlier phase's cases would otherwise keep the worker busy)."""
    asyncio.run(_reset(database_url))
    redis.command("FLUSHALL")


async def _reset(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("TRUNCATE cases, outbox, idempotency_keys CASCADE"))
    finally:
        await engine.dispose()


async def _count(database_url: str, sql: str) -> int:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text(sql)) or 0)
    finally:
        await engine.dispose()


def free_port_of_worker(env: dict[str, str]) -> int:
    return int(env["COMPLAINTS_METRICS_PORT"])


def routing_phase(
    database_url: str,
    redis: RedisServer,
    env: dict[str, str],
    key: str,
    args: argparse.Namespace,
    stack: Stack,
    logs: Path,
) -> tuple[list[float], float, LoadResult, float]:
    port = free_port()
    env = {**env, "COMPLAINTS_METRICS_PORT": str(free_port())}
    reset(database_url, redis)
    api = api_process(stack, port, env, logs / "api-routing.log").start()
    worker = worker_process("routing_worker", env, logs / "routing-worker.log")
    try:
        wait_http(port)
        # Backlog first, worker stopped: how fast does one worker drain it?
        closed_loop(port, key, clients=8, warmup=0, duration=args.backlog_seconds, tag="backlog")
        unrouted = "SELECT count(*) FROM cases WHERE status = 'received'"
        pending = asyncio.run(_count(database_url, unrouted))
        worker.start()
        wait_http(free_port_of_worker(env), "/metrics")
        started = time.monotonic()
        while asyncio.run(_count(database_url, unrouted)):
            time.sleep(0.1)
            if time.monotonic() - started > 300:
                raise RuntimeError("the worker did not drain the backlog in 5 minutes")
        per_worker = pending / (time.monotonic() - started)
        # Then latency at a steady rate the worker keeps up with (at most half what it drained),
        # so the figure is the delay of signalling and running a job, not of a growing queue.
        rate = min(args.rate, max(1.0, per_worker / 2))
        steady = steady_load_in_background(port, key, rate=rate, duration=args.seconds, tag="latency").get()
        time.sleep(1)
        latencies = asyncio.run(_routing_latency(database_url, "latency"))
    finally:
        worker.stop()
        api.stop()
    return latencies, per_worker, steady, rate


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", help="a Postgres server (postgresql+asyncpg://...); default: embedded"
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrency of pgbench and of the API load")
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rate", type=float, default=20, help="complaints/s for the routing latency phase")
    parser.add_argument("--backlog-seconds", type=float, default=5)
    parser.add_argument(
        "--poll-delay",
        type=float,
        help="the workers' COMPLAINTS_WORKER_POLL_DELAY_SECONDS (default: settings)",
    )
    parser.add_argument(
        "--stacks", default="uvicorn:1,uvicorn:2,granian:1,granian:2", help="server:workers, comma-separated"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of pgbench + every stack")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    stacks = [Stack(s.split(":")[0], int(s.split(":")[1])) for s in args.stacks.split(",")]
    if importlib.util.find_spec("granian") is None:
        print("granian is not installed (the bench group); measuring uvicorn only")
        stacks = [s for s in stacks if s.server != "granian"]

    with workdir("ib-") as work, postgres_server(args.database_url, work) as server:
        logs = work / "logs"
        logs.mkdir()
        with (
            fresh_database(server, "complaints_bench_intake") as (database_url, key),
            redis_server(work / "redis") as redis,
        ):
            env = app_env(database_url, redis.url)
            if args.poll_delay is not None:
                env["COMPLAINTS_WORKER_POLL_DELAY_SECONDS"] = str(args.poll_delay)
            print(f"intake benchmark: {args.clients} clients, {args.seconds:.0f} s per phase, loopback only")

            script = captured_script(database_url, redis.url, key, BODY)
            (work / "intake.pgbench").write_text(script.text)
            print(
                f"\n(a) pgbench, the intake transaction ({script.statements} statements, prepared, "
                f"{args.clients} clients)"
            )
            for line in script.text.splitlines():
                print(f"    {line[:104]}{'…' if len(line) > 104 else ''}")
            # The machine may be shared: every round measures pgbench and each stack back to back
            # (in a rotating order), and the medians of the rounds are compared.
            limits: list[float] = []
            runs: dict[Stack, list[LoadResult]] = {stack: [] for stack in stacks}
            for round_number in range(args.rounds):
                reset(database_url, redis)
                pg = run_pgbench(
                    database_url,
                    script,
                    work / "intake.pgbench",
                    clients=args.clients,
                    seconds=int(args.seconds),
                )
                limits.append(pg.tps)
                print(
                    f"  round {round_number + 1}: pgbench {pg.tps:.0f} tps "
                    f"(latency avg {pg.latency_ms:.2f} ms, {pg.failed} failed)",
                    end="",
                    flush=True,
                )
                shift = round_number % len(stacks)
                for stack in stacks[shift:] + stacks[:shift]:
                    reset(database_url, redis)
                    load = measure_stack(stack, env, key, args, logs).load
                    runs[stack].append(load)
                    print(f", {stack} {load.throughput:.0f}", end="", flush=True)
                print()
            limit = statistics.median(limits)
            print(f"\n(a) pgbench, the same transaction: {limit:.0f} tps (median of {args.rounds})")
            print(
                f"\n(b) the API, closed loop at {args.clients} connections "
                "(POST /v1/complaints with Idempotency-Key), medians of the rounds"
            )
            results = [StackResult(stack, merged(loads)) for stack, loads in runs.items()]
            for result in results:
                print(result.line(limit), flush=True)
            pg_tps = limit
            best = max(results, key=lambda r: r.load.throughput)
            ratio = best.load.throughput / pg_tps
            print(
                f"\n  best: {best.stack}  →  ratio (b)/(a) = "
                f"{best.load.throughput:.0f} / {pg_tps:.0f} = {ratio:.2f}"
                f"  (target ≥ 0.50: {'met' if ratio >= 0.5 else 'NOT met'})"
            )

            if not args.no_profile:
                print(
                    f"\n  where one API process spends its time under that load "
                    f"(py-spy, {best.stack.server}):"
                )
                print(profile(best.stack, env, key, args, logs))

            print(
                "\n(c) routing: one worker, poll delay "
                f"{env.get('COMPLAINTS_WORKER_POLL_DELAY_SECONDS', '0.05')} s"
            )
            latencies, per_worker, steady, rate = routing_phase(
                database_url, redis, env, key, args, best.stack, logs
            )
            print(f"  throughput of one worker draining a backlog: {per_worker:.0f} cases/s")
            print(
                f"  enqueue→routed at {rate:.0f}/s ({len(latencies)} cases, {steady.ok} accepted): "
                f"p50 {percentile(latencies, 50):.1f} ms  p99 {percentile(latencies, 99):.1f} ms  "
                f"max {max(latencies, default=float('nan')):.1f} ms  (target p99 ≤ 100 ms: "
                f"{'met' if percentile(latencies, 99) <= 100 else 'NOT met'})"
            )
            summary = {
                "clients": args.clients,
                "pgbench_tps": round(pg_tps),
                "api": {str(r.stack): round(r.load.throughput) for r in results},
                "best": str(best.stack),
                "ratio": round(ratio, 2),
                "routing_p50_ms": round(percentile(latencies, 50), 1),
                "routing_p99_ms": round(percentile(latencies, 99), 1),
                "routing_per_worker": round(per_worker),
            }
            print("\n" + json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chaos: complaints keep coming while the system is knocked over; none that got a 2xx is lost.

    .venv/bin/python bench/chaos.py [--database-url URL] [--minutes 3] [--rate 20]

Posts complaints at a steady rate for a few minutes against the real processes (the API as the
image serves it, uvicorn by default, two routing workers, an SLA worker) while a routing worker
is SIGKILLed every ~10 s (and started again), Redis is restarted once and flushed once, and the
API is restarted. Afterwards every complaint that was answered 2xx must exist in Postgres, be
routed exactly once (one 'assigned' event) and have its deadlines. Prints the counts; exits 1 if any is off.

Postgres: the server in --database-url (a database of its own is created and dropped), else an
embedded one. Redis: a redis-server of its own (append-only file, as in production). Loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass, field

from harness import (
    LoadResult,
    Process,
    Stack,
    api_process,
    app_env,
    free_port,
    fresh_database,
    postgres_server,
    redis_server,
    steady_load_in_background,
    wait_http,
    workdir,
    worker_process,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


@dataclass
class Chaos:
    worker_kills: int = 0
    redis_restarts: int = 0
    redis_flushes: int = 0
    api_restarts: int = 0
    log: list[str] = field(default_factory=list)

    def note(self, started: float, what: str) -> None:
        line = f"  {time.monotonic() - started:6.1f} s  {what}"
        self.log.append(line)
        print(line, flush=True)


@dataclass
class Verdict:
    accepted: int
    in_postgres: int
    routed_once: int
    routed_twice_or_more: int
    unrouted: int
    without_deadlines: int
    duplicate_cases: int

    @property
    def holds(self) -> bool:
        return (
            self.in_postgres == self.accepted
            and self.routed_once == self.accepted
            and not self.routed_twice_or_more
            and not self.unrouted
            and not self.without_deadlines
            and not self.duplicate_cases
        )


async def _check(database_url: str, accepted: list[tuple[str, str]]) -> Verdict:
    numbers = [number for _, number in accepted]
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text(
                        "SELECT c.case_number, "
                        "(SELECT count(*) FROM case_events e "
                        " WHERE e.case_id = c.id AND e.kind = 'assigned'), "
                        "(SELECT count(*) FROM deadlines d WHERE d.case_id = c.id) "
                        "FROM cases c WHERE c.case_number = ANY(:numbers)"
                    ),
                    {"numbers": numbers},
                )
            ).all()
            duplicates = await connection.scalar(
                text(
                    "SELECT count(*) FROM (SELECT external_ref FROM cases WHERE external_ref LIKE 'chaos-%' "
                    "GROUP BY external_ref HAVING count(*) > 1) d"
                )
            )
    finally:
        await engine.dispose()
    assigned = [a for _, a, _ in rows]
    return Verdict(
        accepted=len(numbers),
        in_postgres=len(rows),
        routed_once=sum(1 for a in assigned if a == 1),
        routed_twice_or_more=sum(1 for a in assigned if a > 1),
        unrouted=sum(1 for a in assigned if a == 0),
        without_deadlines=sum(1 for _, _, d in rows if d == 0),
        duplicate_cases=int(duplicates or 0),
    )


async def _unrouted(database_url: str, numbers: list[str]) -> int:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(
                await connection.scalar(
                    text("SELECT count(*) FROM cases WHERE case_number = ANY(:n) AND status = 'received'"),
                    {"n": numbers},
                )
                or 0
            )
    finally:
        await engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", help="a Postgres server (postgresql+asyncpg://...); default: embedded"
    )
    parser.add_argument("--minutes", type=float, default=3.0, help="how long complaints keep coming")
    parser.add_argument("--rate", type=float, default=20.0, help="complaints per second")
    parser.add_argument("--kill-every", type=float, default=10.0, help="seconds between worker kills")
    parser.add_argument("--settle", type=float, default=180.0, help="seconds allowed to finish routing after")
    parser.add_argument(
        "--server", default="granian", choices=["granian", "uvicorn"], help="the API's server"
    )
    args = parser.parse_args()
    duration = args.minutes * 60

    with workdir("cb-") as work, postgres_server(args.database_url, work) as server:
        logs = work / "logs"
        logs.mkdir()
        with (
            fresh_database(server, "complaints_bench_chaos") as (database_url, key),
            redis_server(work / "redis") as redis,
        ):
            env = app_env(database_url, redis.url, COMPLAINTS_LOG_LEVEL="INFO")
            port = free_port()
            stack = Stack(args.server, 1)
            api: Process = api_process(stack, port, env, logs / "api.log").start()
            workers = [
                worker_process("routing_worker", env, logs / f"routing-{n}.log").start() for n in (1, 2)
            ]
            sla = worker_process("sla_worker", env, logs / "sla.log").start()
            wait_http(port)
            print(
                f"chaos: {args.rate:.0f} complaints/s for {duration:.0f} s; API ({stack}), "
                f"2 routing workers, 1 SLA worker; logs in {logs} while it runs"
            )
            load = steady_load_in_background(port, key, rate=args.rate, duration=duration, tag="chaos")
            chaos = Chaos()
            started = time.monotonic()
            plan = {
                duration * 0.3: "restart redis",
                duration * 0.5: "flush redis",
                duration * 0.7: "restart api",
            }
            next_kill = args.kill_every
            victim = 0
            try:
                while (elapsed := time.monotonic() - started) < duration:
                    for moment in sorted(plan):
                        if elapsed >= moment:
                            action = plan.pop(moment)
                            if action == "restart redis":
                                redis.restart(down_for=2.0)
                                chaos.redis_restarts += 1
                                chaos.note(started, "Redis stopped, down 2 s, started again")
                            elif action == "flush redis":
                                redis.command("FLUSHALL")
                                chaos.redis_flushes += 1
                                chaos.note(started, "Redis flushed (every queued job gone)")
                            else:
                                api.stop()
                                api = api_process(stack, port, env, logs / "api.log").start()
                                wait_http(port)
                                chaos.api_restarts += 1
                                chaos.note(started, "API stopped (SIGTERM) and started again")
                    if elapsed >= next_kill:
                        worker = workers[victim]
                        worker.kill()
                        workers[victim] = worker_process("routing_worker", env, worker.log).start()
                        chaos.worker_kills += 1
                        chaos.note(started, f"routing worker {victim + 1} SIGKILLed and started again")
                        victim = 1 - victim
                        next_kill += args.kill_every
                    time.sleep(0.1)
                result: LoadResult = load.get()
                print(
                    f"\nload done: {sum(result.statuses.values())} posted, "
                    f"statuses {dict(sorted(result.statuses.items()))}"
                )
                numbers = [n for _, n in result.accepted]
                settle_started = time.monotonic()
                while (
                    asyncio.run(_unrouted(database_url, numbers))
                    and time.monotonic() - settle_started < args.settle
                ):
                    time.sleep(1)
                print(f"settled in {time.monotonic() - settle_started:.1f} s")
                verdict = asyncio.run(_check(database_url, result.accepted))
                survivors = {
                    "sla worker": sla.alive(),
                    **{f"routing worker {i + 1}": w.alive() for i, w in enumerate(workers)},
                }
            finally:
                for process in (api, sla, *workers):
                    process.stop()

    refused = sum(n for s, n in result.statuses.items() if s >= 400)
    errors = result.statuses.get(0, 0) + result.statuses.get(-1, 0)
    print(
        f"\nchaos events: {chaos.worker_kills} worker kills, {chaos.redis_restarts} Redis restart, "
        f"{chaos.redis_flushes} Redis flush, {chaos.api_restarts} API restart"
    )
    print(
        f"posted {sum(result.statuses.values())}: {result.ok} answered 2xx, {refused} refused (4xx/5xx), "
        f"{errors} without an answer (connection refused/reset while the API restarted)"
    )
    print(
        f"of the {verdict.accepted} accepted: {verdict.in_postgres} in Postgres, "
        f"{verdict.routed_once} routed exactly once, {verdict.routed_twice_or_more} routed more than once, "
        f"{verdict.unrouted} not routed, "
        f"{verdict.without_deadlines} without deadlines; {verdict.duplicate_cases} duplicate cases"
    )
    print(f"processes alive at the end (not counting the ones killed on purpose): {survivors}")
    ok = verdict.holds and all(survivors.values())
    print("RESULT: " + ("no complaint lost, each routed exactly once" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`complaints demo history`: a past for the demo bank, so reports have something to show."""

import argparse
import asyncio
from datetime import UTC, date, datetime
from typing import Any

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.demo import history
from complaints.settings import Settings


async def load_history(
    settings: Settings, database_url: str, *, cases: int, days: int, end: date | None = None, seed: int = 1
) -> history.Tally:
    now = datetime.now(UTC)
    engine = create_engine(database_url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            rulebook = await load_rulebook(session, zone=settings.zone)
            return await history.load(
                session,
                rulebook=rulebook,
                cases=cases,
                days=days,
                end=end or rulebook.calendar.local_date(now),
                seed=seed,
                now=now,
            )
    finally:
        await engine.dispose()


def history_command(args: argparse.Namespace) -> int:
    settings = Settings()
    tally = asyncio.run(
        load_history(
            settings,
            settings.require_database_url(),
            cases=args.cases,
            days=args.days,
            end=args.end,
            seed=args.seed,
        )
    )
    print(
        f"loaded {tally.cases:,} past cases ({tally.open:,} still open, {tally.late:,} late, "
        f"{tally.repeats:,} repeats, {tally.group:,} in groups) and refreshed the report facts"
    )
    return 0


def add_commands(commands: "argparse._SubParsersAction[Any]") -> None:
    demo = commands.add_parser("demo", help="demo data for the reference bank")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    past = demo_commands.add_parser("history", help="load N synthetic past complaints (numbers HX…)")
    past.add_argument("--cases", type=int, required=True, help="how many cases")
    past.add_argument("--days", type=int, required=True, help="spread over this many days")
    past.add_argument("--seed", type=int, default=1, help="the same seed gives the same history")
    past.add_argument(
        "--end", type=date.fromisoformat, default=None, help="last day, YYYY-MM-DD (default: today)"
    )
    past.set_defaults(handler=history_command)

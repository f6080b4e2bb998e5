"""`complaints staff set-password STAFF_ID`, and the demo's staff passwords for `complaints up`."""

import argparse
import asyncio
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.errors import ComplaintsError
from complaints.security import staff
from complaints.settings import Settings


def add_commands(commands: "argparse._SubParsersAction[Any]") -> None:
    staff_parser = commands.add_parser("staff", help="staff console accounts")
    staff_commands = staff_parser.add_subparsers(dest="staff_command", required=True)
    set_password = staff_commands.add_parser(
        "set-password", help="set a configured person's console password (read from standard input)"
    )
    set_password.add_argument("staff_id")
    set_password.set_defaults(handler=set_password_command)


async def _set_password(database_url: str, *, staff_id: str, password: str) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            await staff.set_password(session, staff_id=staff_id, password=password, now=datetime.now(UTC))
    finally:
        await engine.dispose()


def set_password_command(args: argparse.Namespace) -> int:
    # One line from stdin (a pipe, or typed): never an argument, which `ps` and shell history show.
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        asyncio.run(
            _set_password(Settings().require_database_url(), staff_id=args.staff_id, password=password)
        )
    except ComplaintsError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"password set for {args.staff_id}", file=sys.stderr)
    return 0


def demo_password(settings: Settings) -> str:
    """The configured demo password, or one made on first start and kept in the data directory."""
    if settings.console.demo_staff_password is not None:
        return settings.console.demo_staff_password.get_secret_value()
    path = settings.data_dir / "staff-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


async def give_demo_passwords(database_url: str, *, password: str) -> int:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            return await staff.give_demo_passwords(session, password=password, now=datetime.now(UTC))
    finally:
        await engine.dispose()

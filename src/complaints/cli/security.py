"""`complaints keys ...`, `complaints pii rotate-key` and `complaints openapi`."""

import argparse
import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from complaints.db import pii
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.errors import ComplaintsError
from complaints.schemas.keys import KeyCreate, KeyView, Permission
from complaints.security import api_key_admin as keys
from complaints.security import pii_rotation
from complaints.settings import Settings


def add_commands(commands: "argparse._SubParsersAction[Any]") -> None:
    key_parser = commands.add_parser("keys", help="API keys: create, list, rotate, revoke")
    key_commands = key_parser.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="issue a key (printed once on standard output)")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scope", dest="scopes", action="append", required=True, choices=[s.value for s in Permission]
    )
    create.add_argument("--unit", help="bind the key to this org unit")
    create.set_defaults(handler=keys_create)
    key_commands.add_parser("list", help="every key (never the keys themselves)").set_defaults(
        handler=keys_list
    )
    for name, handler, text in (
        ("rotate", keys_rotate, "a new secret for the key (printed once); the old one stops working"),
        ("revoke", keys_revoke, "the key stops working"),
    ):
        command = key_commands.add_parser(name, help=text)
        command.add_argument("name", help="the key's name")
        command.set_defaults(handler=handler)

    pii_parser = commands.add_parser("pii", help="personal data at rest")
    pii_commands = pii_parser.add_subparsers(dest="pii_command", required=True)
    rotate = pii_commands.add_parser(
        "rotate-key", help="re-seal every personal-data value with the active key; fill missing hashes"
    )
    rotate.add_argument("--batch", type=int, default=500)
    rotate.set_defaults(handler=pii_rotate_key)

    spec = commands.add_parser("openapi", help="write the OpenAPI document generated from the API")
    spec.add_argument("--output", help="e.g. openapi/openapi.json (default: standard output)")
    spec.set_defaults(handler=openapi)


def _run(work: Any) -> int:
    try:
        result: int = asyncio.run(work)
    except ComplaintsError as error:
        print(error, file=sys.stderr)
        return 2
    return result


async def _keys(action: str, args: argparse.Namespace) -> int:
    settings = Settings()
    engine = create_engine(settings.require_database_url(), pool_size=1)
    now = datetime.now(UTC)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            if action == "create":
                data = KeyCreate(name=args.name, scopes=[Permission(s) for s in args.scopes], unit=args.unit)
                issued = await keys.issue(session, data=data, now=now)
                _describe(issued)
                print(issued.key)
            elif action == "list":
                for row in await keys.list_keys(session):
                    _describe(row, out=sys.stdout)
            elif action == "rotate":
                issued = await keys.rotate(session, row=await keys.find(session, name=args.name), now=now)
                _describe(issued)
                print(issued.key)
            else:
                _describe(await keys.revoke(session, row=await keys.find(session, name=args.name), now=now))
    finally:
        await engine.dispose()
    return 0


def _describe(key: KeyView, *, out: Any = sys.stderr) -> None:
    state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
    used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
    columns = [str(key.id), key.name, f"{key.prefix}…", ",".join(key.scopes), key.unit or "-", state]
    print("\t".join([*columns, f"last used {used}"]), file=out)


def keys_create(args: argparse.Namespace) -> int:
    return _run(_keys("create", args))


def keys_list(args: argparse.Namespace) -> int:
    return _run(_keys("list", args))


def keys_rotate(args: argparse.Namespace) -> int:
    return _run(_keys("rotate", args))


def keys_revoke(args: argparse.Namespace) -> int:
    return _run(_keys("revoke", args))


async def _rotate_pii(batch: int) -> int:
    settings = Settings()
    keyring = pii.keyring_from(settings)
    pii.install(keyring)
    hasher = pii.hasher_from(settings)
    engine = create_engine(settings.require_database_url(), pool_size=1)
    sessions = create_session_factory(engine)
    try:
        for sealed in pii_rotation.sealed_tables():
            after, total = 0, 0
            while True:
                async with unit_of_work(sessions) as session:
                    done = await pii_rotation.reseal_batch(
                        session, sealed=sealed, keyring=keyring, after=after, limit=batch
                    )
                total += done.changed
                if done.last_key is None:
                    break
                after = done.last_key
            print(f"{sealed.table.name}: {total} rows re-sealed with key {keyring.active!r}", file=sys.stderr)
        after, filled = 0, 0
        while True:
            async with unit_of_work(sessions) as session:
                done = await pii_rotation.fill_missing_hashes(
                    session, hasher=hasher, after=after, limit=batch
                )
            filled += done.changed
            if done.last_key is None:
                break
            after = done.last_key
        print(f"cases: keyed hashes filled in for {filled}", file=sys.stderr)
    finally:
        await engine.dispose()
    return 0


def pii_rotate_key(args: argparse.Namespace) -> int:
    return _run(_rotate_pii(args.batch))


def openapi(args: argparse.Namespace) -> int:
    # The document comes from the API app, which this package never imports: run it by module
    # path, as `complaints up` runs the apps.
    command = [sys.executable, "-m", "intake_api.openapi_spec"]
    if args.output:
        command += ["--output", args.output]
    return subprocess.run(command, check=False).returncode

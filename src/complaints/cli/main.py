"""The `complaints` command: run the whole system, migrate, apply configuration."""

import argparse
import asyncio
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from complaints.cli import classifier as cli_classifier
from complaints.cli import demo as cli_demo
from complaints.cli import security as cli_security
from complaints.cli import staff as cli_staff
from complaints.configuration.apply import apply_config
from complaints.configuration.config_file import DEMO_CONFIG, load_config
from complaints.configuration.rulebook import current_version
from complaints.db import migrate
from complaints.db.engine import create_engine, create_session_factory, unit_of_work
from complaints.errors import InvalidInput
from complaints.jobs import healthcheck
from complaints.local.supervisor import ChildSpec, run_children
from complaints.observability.logs import configure_logging
from complaints.settings import Settings

log = logging.getLogger("complaints")


async def _apply(database_url: str, path: Path, *, only_if_empty: bool) -> bool:
    loaded = load_config(path)
    engine = create_engine(database_url, pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            if only_if_empty and await current_version(session) is not None:
                return False
            return await apply_config(session, loaded=loaded, today=datetime.now(UTC).date())
    finally:
        await engine.dispose()


def config_apply(args: argparse.Namespace) -> int:
    settings = Settings()
    try:
        changed = asyncio.run(_apply(settings.require_database_url(), args.file, only_if_empty=False))
    except InvalidInput as error:
        print(error, file=sys.stderr)
        return 2
    print("configuration applied" if changed else "configuration unchanged (already applied)")
    return 0


def migrate_command(args: argparse.Namespace) -> int:
    migrate.upgrade(Settings().require_database_url())
    return 0


@contextmanager
def services(settings: Settings) -> Iterator[tuple[str, str]]:
    """The configured servers, or embedded ones under the data directory when none are."""
    if settings.database_url and settings.redis_url:
        yield settings.database_url, settings.redis_url
        return
    from complaints.local.embedded import embedded_services  # the optional [embedded] extra

    with embedded_services(settings.data_dir.resolve()) as embedded:
        yield (
            settings.database_url or embedded.database_url,
            settings.redis_url or embedded.redis_url,
        )


def bootstrap_key(settings: Settings) -> str:
    """The configured key, or one made on first start and kept in the data directory."""
    if settings.bootstrap_api_key is not None:
        return settings.bootstrap_api_key.get_secret_value()
    path = settings.data_dir / "api-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("ck_dev_" + secrets.token_urlsafe(24) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


# The demo's past: half a year, so the dashboard's trends and the quarterly export have data.
DEMO_HISTORY_DAYS = 182


def up(args: argparse.Namespace) -> int:
    settings = Settings()
    with services(settings) as (database_url, redis_url):
        migrate.upgrade(database_url)
        if asyncio.run(_apply(database_url, DEMO_CONFIG, only_if_empty=True)):
            log.info("loaded the demo configuration (the reference bank)")
            training = asyncio.run(cli_classifier.train_model(settings, database_url))
            log.info("classifier: %s", cli_classifier.describe(training))
            if settings.demo_history_cases:
                past = asyncio.run(
                    cli_demo.load_history(
                        settings, database_url, cases=settings.demo_history_cases, days=DEMO_HISTORY_DAYS
                    )
                )
                log.info("loaded %d past complaints (numbers HX…) so the reports have a past", past.cases)
        key = bootstrap_key(settings)
        # Every demo person can sign in to the console on a first start (no account yet).
        given = asyncio.run(
            cli_staff.give_demo_passwords(database_url, password=cli_staff.demo_password(settings))
        )
        if given:
            log.info("gave the %d configured people the demo staff password", given)
        env = {
            **os.environ,
            "COMPLAINTS_DATABASE_URL": database_url,
            "COMPLAINTS_REDIS_URL": redis_url,
            "COMPLAINTS_BOOTSTRAP_API_KEY": key,
        }
        python = sys.executable
        children = [
            ChildSpec(
                "api",
                [
                    python,
                    "-m",
                    "uvicorn",
                    "intake_api.app:create_app",
                    "--factory",
                    "--host",
                    args.host,
                    "--port",
                    str(args.port),
                    "--no-access-log",
                ],
                env,
            ),
            ChildSpec("routing-worker", [python, "-m", "routing_worker"], env),
            ChildSpec("sla-worker", [python, "-m", "sla_worker"], env),
        ]
        log.info(
            "API on http://%s:%d — API key in %s (or COMPLAINTS_BOOTSTRAP_API_KEY)",
            args.host,
            args.port,
            settings.data_dir / "api-key",
        )
        log.info(
            "staff console on http://%s:%d/console — demo staff password in %s "
            "(or COMPLAINTS_DEMO_STAFF_PASSWORD), e.g. staff id CP001",
            args.host,
            args.port,
            settings.data_dir / "staff-password",
        )
        return run_children(children)


def smtp_command(args: argparse.Namespace) -> int:
    from complaints.intake.smtp_server import serve

    asyncio.run(serve(Settings(), host=args.host, port=args.port))
    return 0


def healthcheck_command(args: argparse.Namespace) -> int:
    return healthcheck.check(args.role)


def main(argv: list[str] | None = None) -> int:
    configure_logging("cli")
    parser = argparse.ArgumentParser(prog="complaints", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "up", help="run API + both workers (embedded Postgres/Redis unless URLs are set)"
    )
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.set_defaults(handler=up)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=migrate_command)

    config = commands.add_parser("config", help="organisation configuration")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    apply = config_commands.add_parser("apply", help="apply a configuration file (idempotent)")
    apply.add_argument("file", type=Path)
    apply.set_defaults(handler=config_apply)

    smtp = commands.add_parser("smtp", help="SMTP listener feeding received mail to e-mail intake")
    smtp.add_argument("--host", default="127.0.0.1")
    smtp.add_argument("--port", type=int, default=2525)
    smtp.set_defaults(handler=smtp_command)

    check = commands.add_parser(
        "healthcheck", help="exit 0 when this container's role is healthy (the image's HEALTHCHECK)"
    )
    check.add_argument(
        "role", nargs="?", choices=healthcheck.ROLES, help="default: the role the entrypoint started"
    )
    check.set_defaults(handler=healthcheck_command)

    # keys, pii rotate-key, openapi
    cli_security.add_commands(commands)
    # staff set-password
    cli_staff.add_commands(commands)
    # demo history
    cli_demo.add_commands(commands)
    # classifier train
    cli_classifier.add_commands(commands)

    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())

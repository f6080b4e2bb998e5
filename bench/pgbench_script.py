"""The intake endpoint's transaction, captured from the real code, as a pgbench script.

One complaint is posted to the app in-process while every statement it sends is recorded;
the statements become a pgbench script with the same text and the same parameters, except
the values that must differ per transaction (the case number, the case id it returns, the
Idempotency-Key), which come from the script's own `\\gset` and `\\set`. So the comparison
follows the code: whatever intake sends tomorrow, pgbench sends too.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from complaints.db.models import Case
from complaints.db.models.cases import CASE_NUMBER_SEQUENCE
from complaints.settings import Settings
from intake_api.app import create_app

# Far from anything else the transaction sends, so a value can be told to be the case id.
CASE_ID_START = 987_654_321
CASE_COUNTER_START = 100_000  # six digits, as the case number's counter is formatted


@dataclass
class Captured:
    statements: list[tuple[str, tuple[Any, ...]]]
    case_number: str
    case_id: int
    idempotency_key: str


async def capture(database_url: str, redis_url: str, key: str, body: dict[str, Any]) -> Captured:
    settings = Settings(database_url=database_url, redis_url=redis_url)
    app = create_app(settings)
    statements: list[tuple[str, tuple[Any, ...]]] = []
    async with app.router.lifespan_context(app):
        engine = app.state.sessions.kw["bind"]
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :v)"), {"v": CASE_ID_START}
            )
            await connection.execute(
                text(f"SELECT setval('{CASE_NUMBER_SEQUENCE.name}', :v)"), {"v": CASE_COUNTER_START}
            )
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
            # Warm up caches (the key's scopes, prepared statements) so only the steady path shows.
            warm = await client.post(
                "/v1/complaints", json={**body, "external_ref": "warm"}, headers={"Idempotency-Key": "warm"}
            )
            warm.raise_for_status()

            def record(
                conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
            ) -> None:
                statements.append((statement, tuple(parameters or ())))

            event.listen(engine.sync_engine, "before_cursor_execute", record)
            # One token for the Idempotency-Key and the external ref, as the load sends them.
            idempotency_key = f"capture-{uuid.uuid4().hex}"
            answer = await client.post(
                "/v1/complaints",
                json={**body, "external_ref": idempotency_key},
                headers={"Idempotency-Key": idempotency_key},
            )
            event.remove(engine.sync_engine, "before_cursor_execute", record)
            answer.raise_for_status()
        case_number = answer.json()["case_number"]
        async with app.state.sessions() as session:
            case_id = await session.scalar(select(Case.id).where(Case.case_number == case_number))
    return Captured(statements, case_number, int(case_id), idempotency_key)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _as_text(value: Any) -> str:
    """A parameter as Postgres reads it from text (pgbench sends every variable as text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        items = ",".join('"' + _as_text(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        return "{" + items + "}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass
class Script:
    text: str
    variables: dict[str, str]
    statements: int


def to_script(captured: Captured) -> Script:
    """pgbench's dialect of the captured transaction (see the module's docstring)."""
    counter = captured.case_number[-6:]
    prefix = captured.case_number[: -len(counter)]
    variables = {"cn_prefix": prefix}
    lines = ["\\set idem random(1, 9000000000000000000)", "BEGIN;"]
    for number, (statement, parameters) in enumerate(captured.statements):

        def substitute(
            match: re.Match[str], parameters: tuple[Any, ...] = parameters, number: int = number
        ) -> str:
            value = parameters[int(match.group(1)) - 1]
            if value is None:
                return "NULL"
            if isinstance(value, str) and captured.idempotency_key in value:
                # The request's own token (its Idempotency-Key and external ref), wherever it
                # appears: alone, in a lock key, in the stored response.
                parts = [_literal(part) for part in value.split(captured.idempotency_key)]
                return "(" + " || ('bench-' || :idem) || ".join(parts) + ")"
            if value == captured.case_number:
                return "(:cn_prefix || :next_value)"
            if isinstance(value, int) and not isinstance(value, bool) and value == captured.case_id:
                return ":case_id"
            name = f"p{number}_{match.group(1)}"
            variables[name] = _as_text(value)
            return f":{name}"

        sql = re.sub(r"\$(\d+)", substitute, " ".join(statement.split()))
        if re.search(r"\bnextval\('" + CASE_NUMBER_SEQUENCE.name, sql):
            sql = re.sub(r" AS \w+$", " AS next_value", sql) + " \\gset"
        elif sql.startswith("INSERT INTO cases ") and "RETURNING cases.id" in sql:
            sql = re.sub(r"RETURNING .*$", "RETURNING cases.id AS case_id", sql) + " \\gset"
        else:
            sql += ";"
        lines.append(sql)
    lines.append("COMMIT;")
    return Script("\n".join(lines) + "\n", variables, len(captured.statements))


def pgbench_binary() -> str:
    found = shutil.which("pgbench") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    if not found:
        raise SystemExit(
            "pgbench not found: install Debian's postgresql-client (or postgresql-contrib), "
            "e.g. `apt-get install postgresql-client`"
        )
    return str(found)


def libpq_args(database_url: str) -> tuple[list[str], dict[str, str]]:
    url = make_url(database_url)
    args = ["-U", url.username or "postgres", "-d", url.database or "postgres"]
    host = url.query.get("host") or url.host or "127.0.0.1"
    args += ["-h", str(host), "-p", str(url.port or 5432)]
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args, env


@dataclass
class PgbenchResult:
    tps: float
    latency_ms: float
    transactions: int
    failed: int
    output: str


def run_pgbench(
    database_url: str, script: Script, path: Path, *, clients: int, seconds: int, threads: int = 2
) -> PgbenchResult:
    import os

    path.write_text(script.text)
    connection, env = libpq_args(database_url)
    argv = [pgbench_binary(), "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(threads, clients))]
    argv += ["-T", str(seconds), "-f", str(path), *connection]
    for name, value in script.variables.items():
        argv += ["-D", f"{name}={value}"]
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **env})
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{output[-3000:]}")
    tps = float(re.search(r"tps = ([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = float(re.search(r"latency average = ([\d.]+) ms", output).group(1))  # type: ignore[union-attr]
    transactions = int(re.search(r"number of transactions actually processed: (\d+)", output).group(1))  # type: ignore[union-attr]
    failed_match = re.search(r"number of failed transactions: (\d+)", output)
    return PgbenchResult(
        tps, latency, transactions, int(failed_match.group(1)) if failed_match else 0, output
    )


def captured_script(database_url: str, redis_url: str, key: str, body: dict[str, Any]) -> Script:
    return to_script(asyncio.run(capture(database_url, redis_url, key, body)))

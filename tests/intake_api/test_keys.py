"""Managing keys: `/v1/admin/keys` and `complaints keys ...`; a key is shown once, kept as a hash."""

import asyncio
import hashlib
import os
import subprocess
import sys
from datetime import timedelta

import httpx
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import ApiKey
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.clock import CLOCK
from tests.factories import auth, complaint, make_key

BRANCH = {"name": "branch-001-crm", "scopes": ["intake", "read"], "unit": "BR-001"}


async def stored(sessions: SessionFactory, name: str) -> ApiKey:
    async with sessions() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.name == name))
    assert row is not None
    return row


async def test_a_new_key_is_shown_once_and_kept_only_as_a_hash(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    created = await client.post("/v1/admin/keys", json=BRANCH)

    assert created.status_code == 201, created.text
    issued = created.json()
    assert issued["key"].startswith("ck_")
    assert len(issued["key"]) >= 40
    assert issued["scopes"] == ["intake", "read"]
    assert issued["unit"] == "BR-001"
    assert issued["prefix"] == issued["key"][:10]
    row = await stored(sessions, "branch-001-crm")
    assert row.key_hash == hashlib.sha256(issued["key"].encode()).hexdigest()
    listed = await client.get("/v1/admin/keys")
    assert listed.status_code == 200
    assert issued["key"] not in listed.text
    assert {item["name"] for item in listed.json()["items"]} == {"bootstrap", "branch-001-crm"}
    assert all("key" not in item and "key_hash" not in item for item in listed.json()["items"])
    # The key works, within its unit and scopes.
    assert (
        await client.post("/v1/complaints", json=complaint(), headers=auth(issued["key"]))
    ).status_code == 201
    assert_problem(await client.post("/v1/admin/keys", json=BRANCH, headers=auth(issued["key"])), 403)


async def test_rotation_replaces_the_secret_and_keeps_the_key(client: httpx.AsyncClient) -> None:
    issued = (await client.post("/v1/admin/keys", json=BRANCH)).json()

    rotated = await client.post(f"/v1/admin/keys/{issued['id']}/rotate")

    assert rotated.status_code == 200, rotated.text
    fresh = rotated.json()
    assert fresh["key"] != issued["key"]
    assert (fresh["id"], fresh["name"], fresh["scopes"], fresh["unit"]) == (
        issued["id"],
        issued["name"],
        issued["scopes"],
        issued["unit"],
    )
    assert fresh["rotated_at"] is not None
    assert_problem(await client.get("/v1/complaints", headers=auth(issued["key"])), 401)
    assert (await client.get("/v1/complaints", headers=auth(fresh["key"]))).status_code == 200


async def test_revocation_stops_a_key_at_once_and_is_idempotent(client: httpx.AsyncClient) -> None:
    issued = (await client.post("/v1/admin/keys", json=BRANCH)).json()
    assert (await client.get("/v1/complaints", headers=auth(issued["key"]))).status_code == 200

    revoked = await client.post(f"/v1/admin/keys/{issued['id']}/revoke")
    again = await client.post(f"/v1/admin/keys/{issued['id']}/revoke")

    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert_problem(await client.get("/v1/complaints", headers=auth(issued["key"])), 401)
    assert_problem(await client.post(f"/v1/admin/keys/{issued['id']}/rotate"), 409)


async def test_key_requests_that_cannot_be_honoured(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    assert (await client.post("/v1/admin/keys", json=BRANCH)).status_code == 201
    bootstrap = await stored(sessions, "bootstrap")

    assert_problem(await client.post("/v1/admin/keys", json=BRANCH), 409)
    assert_problem(
        await client.post("/v1/admin/keys", json={**BRANCH, "name": "x", "unit": "BR-999"}), 422, field="unit"
    )
    assert_problem(
        await client.post("/v1/admin/keys", json={"name": "y", "scopes": ["admin"], "unit": "BR-001"}),
        422,
        field="unit",
    )
    assert_problem(
        await client.post("/v1/admin/keys", json={"name": "z", "scopes": ["root"]}), 422, field="scopes.0"
    )
    assert_problem(await client.post("/v1/admin/keys", json={"name": "z", "scopes": []}), 422, field="scopes")
    # A key cannot lock its holder out by rotating or revoking itself.
    assert_problem(await client.post(f"/v1/admin/keys/{bootstrap.id}/revoke"), 409)
    assert_problem(await client.post(f"/v1/admin/keys/{bootstrap.id}/rotate"), 409)
    assert_problem(await client.post("/v1/admin/keys/99999/revoke"), 404)


async def test_administration_needs_the_admin_scope_and_a_key_bound_to_no_unit(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    reader = await make_key(sessions, scopes={Permission.READ, Permission.INTAKE, Permission.PII_READ})
    # Not issuable through the API, but a wrong row must still not open administration.
    bound_admin = await make_key(sessions, scopes={Permission.ADMIN}, unit="BR-001")

    for key in (reader, bound_admin):
        assert_problem(await client.get("/v1/admin/keys", headers=auth(key)), 403)
        assert_problem(await client.post("/v1/admin/keys", json=BRANCH, headers=auth(key)), 403)
    assert_problem(await client.get("/v1/admin/keys", headers=auth("ck_forged")), 401)


async def test_last_use_is_recorded_at_most_once_a_minute(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    key = await make_key(sessions, scopes={Permission.READ}, name="reader")
    assert (await stored(sessions, "reader")).last_used_at is None

    assert (await client.get("/v1/complaints", headers=auth(key))).status_code == 200
    first = (await stored(sessions, "reader")).last_used_at
    assert first is not None
    assert first == CLOCK()
    CLOCK.advance(timedelta(seconds=59))
    assert (await client.get("/v1/complaints", headers=auth(key))).status_code == 200
    assert (await stored(sessions, "reader")).last_used_at == first  # no write within the minute

    later = CLOCK.advance(timedelta(minutes=2))
    assert (await client.get("/v1/complaints", headers=auth(key))).status_code == 200
    assert (await stored(sessions, "reader")).last_used_at == later


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMPLAINTS_DATABASE_URL": settings.require_database_url()}
    return subprocess.run(
        [sys.executable, "-m", "complaints.cli.main", "keys", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_the_keys_command_creates_lists_rotates_and_revokes(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    created = await asyncio.to_thread(
        cli, settings, "create", "--name", "crm", "--scope", "intake", "--scope", "read", "--unit", "BR-002"
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("ck_")
    assert (await client.get("/v1/complaints", headers=auth(key))).status_code == 200

    listed = await asyncio.to_thread(cli, settings, "list")
    assert listed.returncode == 0, listed.stderr
    assert "crm" in listed.stdout
    assert "BR-002" in listed.stdout
    assert key not in listed.stdout

    rotated = await asyncio.to_thread(cli, settings, "rotate", "crm")
    assert rotated.returncode == 0, rotated.stderr
    new_key = rotated.stdout.strip()
    assert new_key != key
    assert_problem(await client.get("/v1/complaints", headers=auth(key)), 401)
    assert (await client.get("/v1/complaints", headers=auth(new_key))).status_code == 200

    revoked = await asyncio.to_thread(cli, settings, "revoke", "crm")
    assert revoked.returncode == 0, revoked.stderr
    assert_problem(await client.get("/v1/complaints", headers=auth(new_key)), 401)

    refused = await asyncio.to_thread(
        cli, settings, "create", "--name", "x", "--scope", "read", "--unit", "NOPE"
    )
    assert refused.returncode == 2
    assert "NOPE" in refused.stderr
    unknown = await asyncio.to_thread(cli, settings, "revoke", "nobody")
    assert unknown.returncode == 2

"""Personal data at rest: sealed with a named key, opened only in its own column, re-sealable."""

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select, text

from complaints.db import pii
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, IdempotencyKey
from complaints.security import pii_rotation
from complaints.settings import PiiSettings, Settings
from tests.factories import complaint

PERSON = {
    "name": "Sealed Person 李四",
    "phone": "13700001111",
    "email": "sealed.person@example.org",
    "id_number": "110101199003077777",
    "customer_no": "C-0042",
}


def keyring(active: str, *ids: str) -> pii.Keyring:
    return pii.Keyring.from_secrets(
        {key_id: f"secret-of-{key_id}-0123456789".encode() for key_id in ids}, active=active
    )


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    """Tests that install other keys leave the suite's keyring behind them."""
    yield
    pii.install(None)


# -- the envelope ----------------------------------------------------------------------------


def test_a_sealed_value_opens_again_and_names_its_key() -> None:
    ring = keyring("a", "a")

    sealed = ring.seal("13800000000", purpose="phone")

    assert sealed.startswith("pii1:a:")
    assert "13800000000" not in sealed
    assert ring.open(sealed, purpose="phone") == "13800000000"
    # Every sealing is different (a fresh nonce), so equal values do not show as equal.
    assert ring.seal("13800000000", purpose="phone") != sealed


def test_a_value_does_not_open_in_another_column() -> None:
    ring = keyring("a", "a")
    sealed = ring.seal("13800000000", purpose="cases.complainant_phone")

    with pytest.raises(pii.PiiKeyError):
        ring.open(sealed, purpose="cases.complainant_name")


def test_a_tampered_or_unknown_key_envelope_is_refused() -> None:
    ring = keyring("a", "a")
    sealed = ring.seal("x", purpose="p")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]

    with pytest.raises(pii.PiiKeyError):
        ring.open(flipped, purpose="p")
    with pytest.raises(pii.PiiKeyError, match="'b'"):
        ring.open(keyring("b", "b").seal("x", purpose="p"), purpose="p")


def test_plain_text_from_before_encryption_reads_as_it_is() -> None:
    assert keyring("a", "a").open("张三", purpose="p") == "张三"


def test_keys_come_from_the_settings() -> None:
    settings = Settings(pii=PiiSettings(pii_keys={"old": "x" * 20, "new": "y" * 20}, pii_active_key_id="new"))

    ring = pii.keyring_from(settings)

    assert {"old", "new"} <= set(ring.keys)
    assert ring.active == "new"
    with pytest.raises(ValueError, match="ACTIVE_KEY_ID"):
        pii.keyring_from(Settings(pii=PiiSettings(pii_keys={"old": "x" * 20, "new": "y" * 20})))
    with pytest.raises(ValueError, match="16 characters"):
        pii.keyring_from(Settings(pii=PiiSettings(pii_keys={"short": "x"}, pii_active_key_id="short")))


# -- at rest ------------------------------------------------------------------------------------


async def test_personal_data_is_sealed_in_the_table_and_plain_in_the_api(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    created = await client.post(
        "/v1/complaints", json=complaint(complainant=PERSON), headers={"Idempotency-Key": "k1"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["complainant"] == PERSON  # the bootstrap key has pii:read

    async with sessions() as session:
        row = (await session.execute(text("SELECT t::text FROM cases AS t"))).scalar_one()
        stored = (await session.execute(text("SELECT t::text FROM idempotency_keys AS t"))).scalar_one()
        case = await session.scalar(select(Case))
        remembered = await session.scalar(select(IdempotencyKey))
    for field in ("name", "phone", "email", "id_number"):
        assert PERSON[field] not in row, f"{field} is stored in plain text"
        assert PERSON[field] not in stored, f"{field} is in a stored response in plain text"
    assert row.count("pii1:test-1:") == 4
    assert case is not None
    assert (case.complainant_name, case.complainant_phone) == (PERSON["name"], PERSON["phone"])
    assert remembered is not None
    assert remembered.response_body["complainant"] == PERSON
    # The replay still answers with what was stored.
    replayed = await client.post(
        "/v1/complaints", json=complaint(complainant=PERSON), headers={"Idempotency-Key": "k1"}
    )
    assert replayed.json() == created.json()


async def _stored_values(sessions: SessionFactory) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            text(
                "SELECT complainant_name, complainant_phone, complainant_email, complainant_id_number "
                "FROM cases UNION ALL SELECT response_body, NULL, NULL, NULL FROM idempotency_keys"
            )
        )
        return [value for row in rows for value in row if value is not None]


async def test_rotation_reseals_old_keys_and_plain_text_and_fills_missing_hashes(
    client: httpx.AsyncClient, sessions: SessionFactory, settings: Settings, restore_keyring: None
) -> None:
    # Two cases under the suite's key, and one written in plain text before encryption existed.
    for n in range(2):
        posted = await client.post(
            "/v1/complaints",
            json=complaint(external_ref=f"R{n}", complainant=PERSON),
            headers={"Idempotency-Key": f"r{n}"},
        )
        assert posted.status_code == 201
    async with unit_of_work(sessions) as session:
        await session.execute(
            text(
                "INSERT INTO cases (case_number, status, channel, source, received_at, content, severity, "
                "flags, escalation_level, confidential, complainant_name, complainant_phone) VALUES ('OLD1', "
                "'received', 'letter', 'direct', now(), 'x', 'general', '{}', 'handler', false, '王五', "
                "'13600002222')"
            )
        )
    old = pii.current()
    rotated = pii.Keyring({**old.keys, **keyring("2027", "2027").keys}, active="2027")
    pii.install(rotated)

    # Batches of one, to walk the pages.
    for sealed in pii_rotation.sealed_tables():
        after: int | None = 0
        while after is not None:
            async with unit_of_work(sessions) as session:
                batch = await pii_rotation.reseal_batch(
                    session, sealed=sealed, keyring=rotated, after=after, limit=1
                )
            after = batch.last_key
    async with unit_of_work(sessions) as session:
        filled = await pii_rotation.fill_missing_hashes(
            session, hasher=pii.hasher_from(settings), after=0, limit=10
        )

    values = await _stored_values(sessions)
    assert values
    assert all(value.startswith("pii1:2027:") for value in values), values
    assert filled.changed == 1
    # The old key can now be retired: the new one alone opens everything.
    pii.install(pii.Keyring({"2027": rotated.keys["2027"]}, active="2027"))
    async with sessions() as session:
        names = {case.complainant_name for case in await session.scalars(select(Case))}
        legacy = await session.scalar(select(Case).where(Case.case_number == "OLD1"))
    assert names == {PERSON["name"], "王五"}
    assert legacy is not None
    assert legacy.complainant_phone_hash == pii.hasher_from(settings).phone("13600002222")


async def test_the_rotate_key_command_reseals_everything(
    client: httpx.AsyncClient, sessions: SessionFactory, settings: Settings, restore_keyring: None
) -> None:
    assert (await client.post("/v1/complaints", json=complaint(complainant=PERSON))).status_code == 201
    keys = {**json.loads(os.environ["COMPLAINTS_PII_KEYS"]), "next": "the-next-personal-data-key"}
    env = {
        **os.environ,
        "COMPLAINTS_DATABASE_URL": settings.require_database_url(),
        "COMPLAINTS_PII_KEYS": json.dumps(keys),
        "COMPLAINTS_PII_ACTIVE_KEY_ID": "next",
    }

    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "complaints.cli.main", "pii", "rotate-key", "--batch", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert "cases: 1 rows re-sealed with key 'next'" in done.stderr
    values = await _stored_values(sessions)
    assert values
    assert all(value.startswith("pii1:next:") for value in values)

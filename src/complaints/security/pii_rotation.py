"""Re-sealing personal data under the active key (`complaints pii rotate-key`).

Walks every sealed column of every table (any column typed `SealedText` / `SealedJson`) in
primary-key batches; a value sealed with another key — or left in plain text by a version
before encryption — is opened and sealed again with the active key. Cases whose keyed hashes
are missing (filed before the hashes existed) get them. Each batch is one short transaction,
so the command can be stopped and started again; it is done when a pass changes nothing.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Column, Table, Text, and_, literal, or_, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.base import Base
from complaints.db.models import Case
from complaints.db.pii import Keyring
from complaints.db.sealed import SealedJson, SealedText
from complaints.domain.identity import IdentityHasher


@dataclass(frozen=True)
class SealedTable:
    table: Table
    key: Column[int]
    columns: tuple[tuple[Column[object], str], ...]  # (column, purpose)


def sealed_tables() -> Iterator[SealedTable]:
    for table in Base.metadata.sorted_tables:
        columns = tuple(
            (column, column.type.purpose)
            for column in table.columns
            if isinstance(column.type, SealedText | SealedJson)
        )
        if columns:
            (key,) = table.primary_key.columns
            yield SealedTable(table, key, columns)


@dataclass(frozen=True)
class Batch:
    last_key: int | None  # None: the table is done
    changed: int


async def reseal_batch(
    session: AsyncSession, *, sealed: SealedTable, keyring: Keyring, after: int, limit: int
) -> Batch:
    # The stored text as it is, not opened by the column type.
    stored_columns = [type_coerce(column, Text) for column, _ in sealed.columns]
    rows = (
        await session.execute(
            select(sealed.key, *stored_columns)
            .where(sealed.key > after)
            .order_by(sealed.key)
            .limit(limit)
            .with_for_update()
        )
    ).all()
    resealed = 0
    for key, *stored_values in rows:
        values = {
            column.name: literal(keyring.seal(keyring.open(stored, purpose=purpose), purpose=purpose), Text)
            for (column, purpose), stored in zip(sealed.columns, stored_values, strict=True)
            if stored is not None and not keyring.is_current(stored)
        }
        if values:
            await session.execute(update(sealed.table).where(sealed.key == key).values(values))
            resealed += 1
    return Batch(rows[-1][0] if len(rows) == limit else None, resealed)


async def fill_missing_hashes(
    session: AsyncSession, *, hasher: IdentityHasher, after: int, limit: int
) -> Batch:
    """Keyed hashes for cases that have an identifier but not its hash (older cases)."""
    pairs = (
        (Case.complainant_phone, Case.complainant_phone_hash),
        (Case.complainant_email, Case.complainant_email_hash),
        (Case.complainant_id_number, Case.complainant_id_number_hash),
        (Case.complainant_customer_no, Case.complainant_customer_no_hash),
    )
    missing = or_(*(and_(value.is_not(None), digest.is_(None)) for value, digest in pairs))
    cases = (
        await session.scalars(
            select(Case)
            .where(Case.id > after, missing, Case.erased_at.is_(None))
            .order_by(Case.id)
            .limit(limit)
            .with_for_update()
        )
    ).all()
    for case in cases:
        found = hasher.of(
            phone=case.complainant_phone,
            email=case.complainant_email,
            id_number=case.complainant_id_number,
            customer_no=case.complainant_customer_no,
        )
        case.complainant_phone_hash = case.complainant_phone_hash or found.phone
        case.complainant_email_hash = case.complainant_email_hash or found.email
        case.complainant_id_number_hash = case.complainant_id_number_hash or found.id_number
        case.complainant_customer_no_hash = case.complainant_customer_no_hash or found.customer_no
    await session.flush()
    return Batch(cases[-1].id if len(cases) == limit else None, len(cases))

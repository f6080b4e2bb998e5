"""API keys: created once and shown once, stored as a hash, carrying scopes and a unit."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from complaints.db.models import ApiKey, Case
from complaints.schemas.keys import Permission


@dataclass(frozen=True)
class Principal:
    key_id: int
    name: str
    scopes: frozenset[Permission]
    # A partner branch's key sees and acts only on its own cases.
    unit_code: str | None

    def may(self, scope: Permission) -> bool:
        return scope in self.scopes

    def case_filter(self) -> ColumnElement[bool] | None:
        if self.unit_code is None:
            return None
        return or_(Case.unit_code == self.unit_code, Case.submitted_by_unit == self.unit_code)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "ck_" + secrets.token_urlsafe(32)


# last_used_at is a hint for people tidying up keys, not an audit log: a write per minute is enough.
LAST_USED_GRAIN = timedelta(minutes=1)


async def authenticate(session: AsyncSession, *, key: str, now: datetime) -> Principal | None:
    if "\x00" in key:  # no key has one, and Postgres would refuse the query
        return None
    row = (
        await session.execute(
            select(ApiKey.id, ApiKey.name, ApiKey.scopes, ApiKey.unit_code, ApiKey.last_used_at).where(
                ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None)
            )
        )
    ).one_or_none()
    if row is None:
        return None
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_GRAIN:
        await touch(session, key_id=row.id, now=now)
    return Principal(row.id, row.name, frozenset(Permission(s) for s in row.scopes), row.unit_code)


async def touch(session: AsyncSession, *, key_id: int, now: datetime) -> None:
    """Record the use, unless another request of the same key is doing it right now."""
    locked = aliased(ApiKey)
    claimed = (
        select(locked.id)
        .where(
            locked.id == key_id,
            or_(locked.last_used_at.is_(None), locked.last_used_at < now - LAST_USED_GRAIN),
        )
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    await session.execute(update(ApiKey).where(ApiKey.id == claimed).values(last_used_at=now))


async def create_key(
    session: AsyncSession, *, name: str, scopes: frozenset[Permission], unit_code: str | None
) -> str:
    key = new_key()
    session.add(
        ApiKey(
            name=name,
            key_hash=hash_key(key),
            prefix=key[:10],
            scopes=sorted(scopes),
            unit_code=unit_code,
        )
    )
    await session.flush()
    return key


async def ensure_bootstrap_key(session: AsyncSession, *, key: str, now: datetime) -> None:
    """The operator's key from COMPLAINTS_BOOTSTRAP_API_KEY, with every scope (idempotent)."""
    await session.execute(
        insert(ApiKey)
        .values(
            name="bootstrap",
            key_hash=hash_key(key),
            prefix=key[:10],
            scopes=sorted(Permission),
            unit_code=None,
            created_at=now,
        )
        .on_conflict_do_update(
            index_elements=[ApiKey.name],
            set_={
                "key_hash": hash_key(key),
                "prefix": key[:10],
                "scopes": sorted(Permission),
                "revoked_at": None,
            },
        )
    )

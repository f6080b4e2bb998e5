"""API keys: created once and shown once, stored as a hash, carrying scopes and a unit."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import ApiKey, Case


class Scope(StrEnum):
    INTAKE = "intake"
    INTAKE_BACKDATE = "intake:backdate"
    READ = "read"
    HANDLE = "handle"
    ADMIN = "admin"
    PII_READ = "pii:read"
    REPORTS = "reports"


@dataclass(frozen=True)
class Principal:
    key_id: int
    name: str
    scopes: frozenset[Scope]
    # A partner branch's key sees and acts only on its own cases.
    unit_code: str | None

    def may(self, scope: Scope) -> bool:
        return scope in self.scopes

    def case_filter(self) -> ColumnElement[bool] | None:
        if self.unit_code is None:
            return None
        return or_(Case.unit_code == self.unit_code, Case.submitted_by_unit == self.unit_code)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "ck_" + secrets.token_urlsafe(32)


async def authenticate(session: AsyncSession, *, key: str) -> Principal | None:
    row = await session.scalar(
        select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
    )
    if row is None:
        return None
    return Principal(row.id, row.name, frozenset(Scope(s) for s in row.scopes), row.unit_code)


async def create_key(
    session: AsyncSession, *, name: str, scopes: frozenset[Scope], unit_code: str | None
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
            scopes=sorted(Scope),
            unit_code=None,
            created_at=now,
        )
        .on_conflict_do_update(
            index_elements=[ApiKey.name],
            set_={
                "key_hash": hash_key(key),
                "prefix": key[:10],
                "scopes": sorted(Scope),
                "revoked_at": None,
            },
        )
    )

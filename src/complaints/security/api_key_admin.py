"""Managing API keys: issue, list, rotate, revoke. The key itself is returned once, never stored."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import ApiKey, OrgUnit
from complaints.errors import Conflict, InvalidInput, NotFound
from complaints.schemas.keys import IssuedKey, KeyCreate, KeyView, Permission
from complaints.security.api_keys import hash_key, new_key


def view(row: ApiKey) -> KeyView:
    return KeyView(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=[Permission(scope) for scope in row.scopes],
        unit=row.unit_code,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        rotated_at=row.rotated_at,
        revoked_at=row.revoked_at,
    )


def _issued(row: ApiKey, key: str) -> IssuedKey:
    return IssuedKey(**view(row).model_dump(), key=key)


async def issue(session: AsyncSession, *, data: KeyCreate, now: datetime) -> IssuedKey:
    scopes = sorted(set(data.scopes))
    if data.unit is not None:
        if Permission.ADMIN in scopes:
            raise InvalidInput("an admin key sees every unit: it cannot be bound to one", field="unit")
        if await session.scalar(select(OrgUnit.id).where(OrgUnit.code == data.unit)) is None:
            raise InvalidInput(f"no org unit {data.unit!r} is configured", field="unit")
    if await session.scalar(select(ApiKey.id).where(ApiKey.name == data.name)) is not None:
        raise Conflict(f"a key named {data.name!r} already exists")
    key = new_key()
    row = ApiKey(
        name=data.name,
        key_hash=hash_key(key),
        prefix=key[:10],
        scopes=scopes,
        unit_code=data.unit,
        created_at=now,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as error:  # the same name issued concurrently
        raise Conflict(f"a key named {data.name!r} already exists") from error
    return _issued(row, key)


async def list_keys(session: AsyncSession) -> list[KeyView]:
    return [view(row) for row in await session.scalars(select(ApiKey).order_by(ApiKey.id))]


async def find(session: AsyncSession, *, key_id: int | None = None, name: str | None = None) -> ApiKey:
    query = select(ApiKey).with_for_update()
    query = query.where(ApiKey.id == key_id) if key_id is not None else query.where(ApiKey.name == name)
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"no key {key_id if key_id is not None else name!r}")
    return row


async def rotate(session: AsyncSession, *, row: ApiKey, now: datetime) -> IssuedKey:
    """A new secret for the same key (name, scopes, unit); the old secret stops working now."""
    if row.revoked_at is not None:
        raise Conflict(f"key {row.name!r} is revoked; issue a new one")
    key = new_key()
    row.key_hash = hash_key(key)
    row.prefix = key[:10]
    row.rotated_at = now
    await session.flush()
    return _issued(row, key)


async def revoke(session: AsyncSession, *, row: ApiKey, now: datetime) -> KeyView:
    """Idempotent: revoking a revoked key keeps the first revocation time."""
    if row.revoked_at is None:
        row.revoked_at = now
        await session.flush()
    return view(row)

"""Staff console accounts: passwords for configured people, and what a person may see.

A staff id signs in only while it is a configured person (`handlers`, rewritten by every
`complaints config apply`); the password itself lives in `staff_accounts`, which survives a
configuration change. Passwords are hashed with argon2id.
"""

from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import StaffAccount, StaffMember
from complaints.domain.rulebook import Person, Rulebook
from complaints.domain.vocabulary import Role
from complaints.errors import InvalidInput, NotFound
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal

MIN_PASSWORD_LENGTH = 8
# What the console lets a person do: read and work cases, see the dashboard. Never PII_READ:
# personal data stays masked in the console.
CONSOLE_SCOPES = frozenset({Permission.READ, Permission.HANDLE, Permission.REPORTS})
# Roles that oversee every unit, wherever they sit.
OVERSEERS = frozenset({Role.CONSUMER_PROTECTION_HEAD, Role.LEADERSHIP})

_hasher = PasswordHasher()


# Checked when the staff id has no account, so that an unknown id takes as long as a wrong password.
@cache
def _dummy_hash() -> str:
    # Made on first use, not at import: a hash costs ~0.1 s, and every CLI command imports this.
    return _hasher.hash("not a password anybody has")


async def _configured(session: AsyncSession, staff_id: str) -> bool:
    return bool(await session.scalar(select(exists().where(StaffMember.staff_id == staff_id))))


async def set_password(session: AsyncSession, *, staff_id: str, password: str, now: datetime) -> None:
    """Create or replace the person's password."""
    if not await _configured(session, staff_id):
        raise NotFound(f"no configured person has staff id {staff_id!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field="password")
    hashed = _hasher.hash(password)
    await session.execute(
        insert(StaffAccount)
        .values(staff_id=staff_id, password_hash=hashed, created_at=now, updated_at=now)
        .on_conflict_do_update(
            index_elements=[StaffAccount.staff_id], set_={"password_hash": hashed, "updated_at": now}
        )
    )


async def verify(session: AsyncSession, *, staff_id: str, password: str, now: datetime) -> bool:
    """The password is right and the staff id is still a configured person."""
    if "\x00" in staff_id or len(staff_id) > 32:
        return False
    account = await session.get(StaffAccount, staff_id)
    try:
        _hasher.verify(account.password_hash if account else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    if account is None or not await _configured(session, staff_id):
        return False
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
        account.updated_at = now
        await session.flush()
    return True


async def give_demo_passwords(session: AsyncSession, *, password: str, now: datetime) -> int:
    """On a first start (no account yet), every configured person gets `password`."""
    if await session.scalar(select(func.count()).select_from(StaffAccount)):
        return 0
    staff_ids = (await session.scalars(select(StaffMember.staff_id).order_by(StaffMember.staff_id))).all()
    hashed = _hasher.hash(password)  # one hash for all: they share the password anyway
    session.add_all(
        StaffAccount(staff_id=staff_id, password_hash=hashed, created_at=now, updated_at=now)
        for staff_id in staff_ids
    )
    await session.flush()
    return len(staff_ids)


def sees_every_unit(person: Person, rulebook: Rulebook) -> bool:
    """The complaint centre and the overseers see every case; everyone else their own unit's."""
    return person.unit_code == rulebook.default_unit or person.role in OVERSEERS


def principal_for(person: Person, rulebook: Rulebook) -> Principal:
    """The person as the services know callers: named by staff id, bound to a unit unless an overseer."""
    unit = None if sees_every_unit(person, rulebook) else person.unit_code
    # key_id 0: not an API key (personal-data reads, which would name one, need PII_READ).
    return Principal(key_id=0, name=person.staff_id, scopes=CONSOLE_SCOPES, unit_code=unit)

"""Row-level security, the second wall around a partner branch's cases.

The first wall is the code: `Principal.case_filter` on every case query. The second is
Postgres: a session restricted to a unit runs each of its transactions as the NOLOGIN role
`complaints_branch` with `app.unit_code` set, and the policies of migration 0007 show that
role only the cases submitted by or assigned to the unit (and their events, deadlines,
attachments, …). A query that forgets the filter still sees nothing of another branch.

Both settings are transaction-local (`SET LOCAL`), so a pooled connection never carries them
into the next transaction; a restricted session re-applies them whenever it begins one.
Workers, the CLI and admin requests use unrestricted sessions and keep full access.

A case the code found for an action stays visible for the rest of that transaction
(`keep_visible`), so that an action that moves it to another unit (a transfer) can still
write its event and deadlines before the commit.
"""

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

BRANCH_ROLE = "complaints_branch"
UNIT_SETTING = "app.unit_code"
CASES_SETTING = "app.case_ids"
_INFO_KEY = "complaints.tenancy.unit_code"

_APPLY = text(f"SELECT set_config('role', '{BRANCH_ROLE}', true), set_config('{UNIT_SETTING}', :unit, true)")


async def restrict(session: AsyncSession, *, unit_code: str) -> None:
    """From now on every transaction of `session` sees only `unit_code`'s cases."""
    session.info[_INFO_KEY] = unit_code
    if session.in_transaction():
        await session.execute(_APPLY, {"unit": unit_code})


def restricted_to(session: AsyncSession) -> str | None:
    unit: str | None = session.info.get(_INFO_KEY)
    return unit


async def keep_visible(session: AsyncSession, *, case_id: int) -> None:
    """Keep a case the code has already found visible until this transaction ends."""
    if restricted_to(session) is None:
        return
    current = func.coalesce(func.nullif(func.current_setting(CASES_SETTING, True), "") + ",", "")
    await session.execute(select(func.set_config(CASES_SETTING, current + str(case_id), True)))


@event.listens_for(Session, "after_begin")
def _apply_on_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    unit = session.info.get(_INFO_KEY)
    if unit is not None:
        connection.execute(_APPLY, {"unit": unit})

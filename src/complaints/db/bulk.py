"""COPY for loads too large for INSERT: generated history, benchmark populations.

Rows go through asyncpg's binary COPY (`copy_records_to_table`), on the driver connection
under a SQLAlchemy session, so they join the session's transaction.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

# An asyncpg connection (asyncpg ships no type information).
DriverConnection = Any


async def driver_connection(session: AsyncSession) -> DriverConnection:
    """The asyncpg connection under the session, inside its transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def copy_rows(
    connection: DriverConnection, *, table: str, columns: Sequence[str], rows: Iterable[tuple[object, ...]]
) -> None:
    await connection.copy_records_to_table(table, records=rows, columns=list(columns))


async def reserve_ids(connection: DriverConnection, *, table: str, count: int) -> list[int]:
    """`count` ids from the table's identity sequence, taken as inserts take them, so they
    never collide with rows others insert meanwhile."""
    rows = await connection.fetch(
        "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", table, count
    )
    return [row[0] for row in rows]


async def analyze(connection: DriverConnection, *, tables: Sequence[str]) -> None:
    """Fresh planner statistics: a bulk load leaves them far behind."""
    for table in tables:
        await connection.execute(f"ANALYZE {table}")

"""Alembic runs against COMPLAINTS_DATABASE_URL (or the URL the caller put in the config)."""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from complaints.db import models  # noqa: F401  (registers every table)
from complaints.db.base import Base
from complaints.settings import Settings

config = context.config


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings().require_database_url()


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    protect_case_tables(connection)


def protect_case_tables(connection: Connection) -> None:
    """Branch row-level security on every table that hangs off cases, whichever revision made
    it and in whatever order the branches ran (revision 0007 defines the function)."""
    if connection.scalar(text("SELECT to_regprocedure('complaints_protect_case_tables()')")) is not None:
        connection.execute(text("SELECT complaints_protect_case_tables()"))


async def run_online() -> None:
    engine = create_async_engine(database_url())
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_online())

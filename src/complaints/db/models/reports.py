"""What reports read: the per-case facts view, and when it was last refreshed."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base


class ReportRefresh(Base):
    """One row: when `report_case_facts` was last refreshed, how many rows, how long it took."""

    __tablename__ = "report_refreshes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    refreshed_at: Mapped[datetime]
    rows: Mapped[int] = mapped_column(BigInteger)
    seconds: Mapped[float] = mapped_column(Float)


# The materialised view of migration 0008, for queries only: it lives in its own metadata so
# that Alembic never takes it for a table to create.
report_case_facts = Table(
    "report_case_facts",
    MetaData(),
    Column("case_id", BigInteger, primary_key=True),
    Column("case_number", String),
    Column("received_at", DateTime(timezone=True)),
    Column("received_on", Date),
    Column("channel", String),
    Column("source", String),
    Column("business_type", String),
    Column("cause", String),
    Column("business_channel", String),
    Column("severity", String),
    Column("unit_code", String),
    Column("submitted_by_unit", String),
    Column("branch_code", String),
    Column("assignee", String),
    Column("status", String),
    Column("transfer_count", SmallInteger),
    Column("return_count", SmallInteger),
    Column("reopen_count", BigInteger),
    Column("is_repeat", Boolean),
    Column("is_group", Boolean),
    Column("resolved_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("resolution_due_at", DateTime(timezone=True)),
    Column("timeliness", String),
    Column("satisfaction", String),
)

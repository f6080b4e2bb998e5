"""deadline engine: clock units and paused time, business hours, regional calendar, breach actions

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-23 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deadlines", sa.Column("unit", sa.String(length=16), nullable=True))
    op.add_column("deadlines", sa.Column("amount", sa.Integer(), nullable=True))
    op.add_column(
        "deadlines", sa.Column("excluded", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
    )
    # Clocks planned before this revision carry their policy only as text ("24 hours").
    op.execute(
        """
        UPDATE deadlines
           SET unit = split_part(period, ' ', 2), amount = split_part(period, ' ', 1)::integer
         WHERE period ~ '^[0-9]+ (hours|working_hours|days|working_days)$'
        """
    )
    op.create_table(
        "calendar_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("lunch_starts", sa.Time(), nullable=True),
        sa.Column("lunch_ends", sa.Time(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_settings")),
    )
    op.create_table(
        "regional_calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_regional_calendar_days")),
    )
    op.create_table(
        "sla_breach_actions",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actions", postgresql.ARRAY(sa.String(length=32)), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_sla_breach_actions")),
    )


def downgrade() -> None:
    op.drop_table("sla_breach_actions")
    op.drop_table("regional_calendar_days")
    op.drop_table("calendar_settings")
    op.drop_column("deadlines", "excluded")
    op.drop_column("deadlines", "amount")
    op.drop_column("deadlines", "unit")

"""case handling: acceptance, transfers, rework, extensions, outcomes, merges

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 21:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[object], str | None], ...] = (
    ("first_receiver", sa.String(length=100), None),
    ("assigned_at", sa.DateTime(timezone=True), None),
    ("unaccepted_steps", sa.SmallInteger(), "0"),
    ("accepted_at", sa.DateTime(timezone=True), None),
    ("accepted_by", sa.String(length=100), None),
    ("transfer_count", sa.SmallInteger(), "0"),
    ("return_count", sa.SmallInteger(), "0"),
    ("paused_until", sa.DateTime(timezone=True), None),
    ("regulatory_days", sa.SmallInteger(), None),
    ("outcome", sa.String(length=16), None),
    ("verdict", sa.String(length=16), None),
    ("outcome_amount", sa.Numeric(precision=18, scale=2), None),
    ("reply", sa.Text(), None),
    ("resolved_at", sa.DateTime(timezone=True), None),
    ("satisfaction", sa.String(length=24), None),
    ("refusal_ground", sa.String(length=32), None),
    ("merged_into", sa.String(length=32), None),
    ("closed_at", sa.DateTime(timezone=True), None),
)


def upgrade() -> None:
    for name, type_, default in _COLUMNS:
        op.add_column(
            "cases",
            sa.Column(name, type_, nullable=default is None, server_default=default),
        )
    op.create_foreign_key(
        op.f("fk_cases_merged_into_cases"), "cases", "cases", ["merged_into"], ["case_number"]
    )
    op.create_index(op.f("ix_cases_merged_into"), "cases", ["merged_into"], unique=False)
    op.create_index(op.f("ix_cases_assignee_staff_id"), "cases", ["assignee_staff_id"], unique=False)
    op.create_index(
        "ix_cases_assigned_at_unaccepted",
        "cases",
        ["assigned_at"],
        unique=False,
        postgresql_where=sa.text("status = 'assigned'"),
    )
    # Cases recorded before this revision: the first receiver is whoever recorded them, and a
    # case still waiting to be accepted has waited since it was last touched.
    op.execute(
        "UPDATE cases SET first_receiver = case_events.actor FROM case_events "
        "WHERE case_events.case_id = cases.id AND case_events.kind = 'received'"
    )
    op.execute("UPDATE cases SET assigned_at = updated_at WHERE status = 'assigned'")


def downgrade() -> None:
    op.drop_index("ix_cases_assigned_at_unaccepted", table_name="cases")
    op.drop_index(op.f("ix_cases_assignee_staff_id"), table_name="cases")
    op.drop_index(op.f("ix_cases_merged_into"), table_name="cases")
    op.drop_constraint(op.f("fk_cases_merged_into_cases"), "cases", type_="foreignkey")
    for name, _, _ in reversed(_COLUMNS):
        op.drop_column("cases", name)

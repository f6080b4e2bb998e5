"""staff accounts: the staff console's passwords

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 23:45:00+00:00

Hand-written. One row per configured person who has a password (argon2id). Not a column of
`handlers`, which every `complaints config apply` rewrites. Like the API keys, the hashes are
read before any switch to the branch role, which has no business reading them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "complaints_branch"


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("staff_id", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff_accounts")),
    )
    op.execute(f"REVOKE ALL ON staff_accounts FROM {ROLE}")


def downgrade() -> None:
    op.drop_table("staff_accounts")

"""classifier: installed models, and what routing read in each case's text

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:00:00+00:00

Models are stored as bytes (a JSON header and a numpy archive read with allow_pickle=False);
at most one is active. Cases gain the card kind (credit cards go to the card centre, debit
cards do not), the channel of the disputed business (JR/T 0169's A-dimension, read from the
text), the classification's confidence and the version of the model that decided.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "classifier_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("metrics", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_models")),
        sa.UniqueConstraint("version", name=op.f("uq_classifier_models_version")),
    )
    op.create_index(
        "uq_classifier_models_active",
        "classifier_models",
        ["active"],
        unique=True,
        postgresql_where=sa.text("active"),
    )
    op.add_column("cases", sa.Column("card_kind", sa.String(length=16), nullable=True))
    op.add_column("cases", sa.Column("business_channel", sa.String(length=32), nullable=True))
    op.add_column("cases", sa.Column("classification_confidence", sa.Float(), nullable=True))
    op.add_column("cases", sa.Column("classifier_version", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "classifier_version")
    op.drop_column("cases", "classification_confidence")
    op.drop_column("cases", "business_channel")
    op.drop_column("cases", "card_kind")
    op.drop_index("uq_classifier_models_active", table_name="classifier_models")
    op.drop_table("classifier_models")

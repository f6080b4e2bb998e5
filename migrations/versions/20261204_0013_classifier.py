"""classifier: installed models, and what routing read in each case's text

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:00:00+00:00

Models are stored as bytes (a JSON header and a numpy archive read with allow_pickle=False);
at most one is active. Cases gain the card kind (credit cards go to the card centre, debit
cards do not), the channel of the disputed business (JR/T 0169's A-dimension, read from the
text), the classification's confidence and the version of the model that decided. The report facts
carry the business channel, so the regulator export codes A from what was read in the text.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0010's view with the business channel.
FACTS = """
CREATE MATERIALIZED VIEW report_case_facts AS
-- The moment the refresh counts at (it sets app.now from its clock), else the database's.
WITH facts_as_of AS (
  SELECT COALESCE(NULLIF(current_setting('app.now', true), '')::timestamptz, now()) AS as_of
)
SELECT c.id AS case_id,
       c.case_number,
       c.received_at,
       -- The receipt's calendar day where the organisation is (the refresh sets app.timezone):
       -- reports filter and group on a plain date instead of converting every row.
       (c.received_at AT TIME ZONE COALESCE(NULLIF(current_setting('app.timezone', true), ''), 'UTC'))::date
         AS received_on,
       c.channel,
       c.source,
       c.business_type,
       c.cause,
       c.business_channel,
       c.severity,
       c.unit_code,
       c.submitted_by_unit,
       c.branch_code,
       c.assignee_staff_id AS assignee,
       c.status,
       c.transfer_count,
       c.return_count,
       COALESCE(reopens.n, 0) AS reopen_count,
       'repeat' = ANY (c.flags) AS is_repeat,
       'group' = ANY (c.flags) AS is_group,
       c.resolved_at,
       c.closed_at,
       resolution.due_at AS resolution_due_at,
       CASE
         WHEN c.status IN ('withdrawn', 'merged') THEN NULL
         WHEN breaches.case_id IS NOT NULL OR resolution.breached_at IS NOT NULL THEN 'late'
         WHEN resolution.met_at IS NOT NULL AND resolution.met_at <= resolution.due_at THEN 'on_time'
         WHEN resolution.met_at IS NOT NULL THEN 'late'
         WHEN resolution.state <> 'paused' AND resolution.due_at < (SELECT as_of FROM facts_as_of) THEN 'late'
       END AS timeliness,
       -- The last callback's answer; a dissatisfied answer reopens the case and the next
       -- proposal clears it, but until the complainant answers again it still stands.
       COALESCE(c.satisfaction, CASE WHEN reopens.dissatisfied > 0 THEN 'dissatisfied' END) AS satisfaction
  FROM cases c
  LEFT JOIN deadlines resolution ON resolution.case_id = c.id AND resolution.kind = 'resolution'
  LEFT JOIN (SELECT case_id, count(*) AS n, count(*) FILTER (WHERE kind = 'called_back') AS dissatisfied
               FROM case_events
              WHERE kind = 'reopened' OR (kind = 'called_back' AND data ? 'reopened')
              GROUP BY case_id) reopens ON reopens.case_id = c.id
  LEFT JOIN (SELECT DISTINCT case_id
               FROM case_events
              WHERE kind = 'deadline_breached' AND data ->> 'deadline' = 'resolution') breaches
         ON breaches.case_id = c.id
 WHERE c.merged_into IS NULL
"""

INDEXES = (
    "CREATE UNIQUE INDEX ux_report_case_facts_case_id ON report_case_facts (case_id)",
    "CREATE INDEX ix_report_case_facts_received_on ON report_case_facts (received_on)",
    "CREATE INDEX ix_report_case_facts_received_at ON report_case_facts (received_at)",
)


def _facts(view: str) -> None:
    op.execute("DROP MATERIALIZED VIEW report_case_facts")
    op.execute(view)
    for index in INDEXES:
        op.execute(index)


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
    _facts(FACTS)


def downgrade() -> None:
    _facts(FACTS.replace("       c.business_channel,\n", ""))
    op.drop_column("cases", "classifier_version")
    op.drop_column("cases", "classification_confidence")
    op.drop_column("cases", "business_channel")
    op.drop_column("cases", "card_kind")
    op.drop_index("uq_classifier_models_active", table_name="classifier_models")
    op.drop_table("classifier_models")

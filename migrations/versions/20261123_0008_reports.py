"""reports: the per-case facts the measures count, reporting targets, customer numbers

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 23:30:00+00:00

Hand-written. `report_case_facts` is a materialised view with one narrow row per case (merged
duplicates left out): what the measures of docs/measures.md count, so that a report over a
million cases reads a few columns instead of joining cases, deadlines and events. The SLA
worker refreshes it (CONCURRENTLY, so readers never wait); `report_refreshes` records when.
A materialised view has no row-level security: the report service filters a unit-bound
principal's rows itself.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A case is reworked when it was returned (return_count) or reopened: by new facts, or by a
# dissatisfied callback. Its resolution is late when its resolution clock ever breached
# (a reopen restarts the clock, so the deadline row alone forgets an earlier breach), or
# when the clock ran past its due time without being met.
FACTS = """
CREATE MATERIALIZED VIEW report_case_facts AS
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
         WHEN resolution.state <> 'paused' AND resolution.due_at < now() THEN 'late'
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


def upgrade() -> None:
    op.add_column(
        "config_versions",
        sa.Column("reporting", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
    )
    op.add_column("org_units", sa.Column("customers", sa.BigInteger(), nullable=True))
    op.create_table(
        "report_refreshes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_refreshes")),
    )
    # The refresh reads only these events, through these small partial indexes.
    op.create_index(
        "ix_case_events_case_id_rework",
        "case_events",
        ["case_id"],
        postgresql_where=sa.text("kind = 'reopened' OR (kind = 'called_back' AND data ? 'reopened')"),
    )
    op.create_index(
        "ix_case_events_case_id_resolution_breach",
        "case_events",
        ["case_id"],
        postgresql_where=sa.text("kind = 'deadline_breached' AND data ->> 'deadline' = 'resolution'"),
    )
    # The overdue list: clocks not met yet, by due time.
    op.create_index(
        "ix_deadlines_due_at_unmet", "deadlines", ["due_at"], postgresql_where=sa.text("met_at IS NULL")
    )
    op.execute(FACTS)
    # CONCURRENTLY needs a unique index; reports filter on the receipt day (the regulator
    # export on the receipt time).
    op.execute("CREATE UNIQUE INDEX ux_report_case_facts_case_id ON report_case_facts (case_id)")
    op.execute("CREATE INDEX ix_report_case_facts_received_on ON report_case_facts (received_on)")
    op.execute("CREATE INDEX ix_report_case_facts_received_at ON report_case_facts (received_at)")


def downgrade() -> None:
    op.execute("DROP MATERIALIZED VIEW report_case_facts")
    op.drop_index("ix_deadlines_due_at_unmet", table_name="deadlines")
    op.drop_index("ix_case_events_case_id_resolution_breach", table_name="case_events")
    op.drop_index("ix_case_events_case_id_rework", table_name="case_events")
    op.drop_table("report_refreshes")
    op.drop_column("org_units", "customers")
    op.drop_column("config_versions", "reporting")

"""reports: the facts count an open case as late against the refresh's clock, not the database's

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:00:00+00:00

Hand-written. `report_case_facts` (0008) called a case still open past its resolution due time
late by comparing with Postgres's `now()`: a wall-clock read hidden from the application's
clock (complaints.now). The refresh now sets `app.now` to the moment it counts at, as it sets
`app.timezone`; without it (a refresh by hand) the view still uses `now()`. Same columns, same
indexes: the view is dropped and created again, and the next refresh fills it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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

# 0008's view, for the downgrade.
FACTS_0008 = """
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

INDEXES = (
    "CREATE UNIQUE INDEX ux_report_case_facts_case_id ON report_case_facts (case_id)",
    "CREATE INDEX ix_report_case_facts_received_on ON report_case_facts (received_on)",
    "CREATE INDEX ix_report_case_facts_received_at ON report_case_facts (received_at)",
)


def _replace(view: str) -> None:
    op.execute("DROP MATERIALIZED VIEW report_case_facts")
    op.execute(view)
    for index in INDEXES:
        op.execute(index)


def upgrade() -> None:
    _replace(FACTS)


def downgrade() -> None:
    _replace(FACTS_0008)

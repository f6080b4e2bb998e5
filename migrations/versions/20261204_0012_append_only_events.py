"""append-only events: Postgres refuses to update or delete an event of the audit trail

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:00:00+00:00

Hand-written. `case_events` was append-only by convention: whatever role the application
connects as could UPDATE and DELETE it. A trigger now refuses both for every role, the
table's owner included (the application often is the owner, and grants do not bind an
owner); the branch role also loses the UPDATE and DELETE grants.

One rewrite is lawful: a data subject's erasure (PIPL art. 47) replaces the personal text in
the events of the erased case (complaints.privacy.data_subjects). It is let through only when
all three hold: the transaction set `complaints.event_rewrite = 'erasure'` (transaction-local),
the case is already marked erased (`cases.erased_at`), and only `reason` and `data` change.
Who did what and when (id, case, kind, time, actor, statuses) can never change, and no event
can be deleted. The erasure itself is recorded as a `personal_data_erased` event.
TRUNCATE is not covered (the branch role has no TRUNCATE grant; an owner can also disable the
trigger: this stops mistakes and injected statements, not the database's owner).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "complaints_branch"
FUNCTION = "complaints_case_events_append_only"
TRIGGER = "case_events_append_only"


def upgrade() -> None:
    op.execute(
        f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('complaints.event_rewrite', true) = 'erasure'
     AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.kind = OLD.kind
     AND NEW.at = OLD.at AND NEW.actor = OLD.actor
     AND NEW.from_status IS NOT DISTINCT FROM OLD.from_status
     AND NEW.to_status IS NOT DISTINCT FROM OLD.to_status
     AND EXISTS (SELECT 1 FROM cases WHERE cases.id = OLD.case_id AND cases.erased_at IS NOT NULL)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'case_events is append-only: % of event % refused', TG_OP, OLD.id
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'add an event instead; only an erasure may replace the text of an erased case''s events';
END
$$
"""
    )
    op.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON case_events "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )
    op.execute(f"REVOKE UPDATE, DELETE ON case_events FROM {ROLE}")


def downgrade() -> None:
    op.execute(f"GRANT UPDATE, DELETE ON case_events TO {ROLE}")
    op.execute(f"DROP TRIGGER {TRIGGER} ON case_events")
    op.execute(f"DROP FUNCTION {FUNCTION}()")

"""security: sealed personal data, personal-data reads, key rotation, branch row-level security

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-23 22:00:00+00:00

Hand-written. Personal data columns become text (they hold AES-GCM envelopes; values written
before this revision stay readable as they are until `complaints pii rotate-key` seals them).
Row-level security: the NOLOGIN role `complaints_branch`, which a request of a unit-bound key
switches to for each transaction (complaints.db.tenancy), sees only the cases submitted by or
assigned to `current_setting('app.unit_code')` and the rows that hang off them. Roles belong
to the whole cluster: the role is made if missing and never dropped here (other databases of
the cluster may use it); going down removes only this database's policies and grants.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "complaints_branch"
UNIT = "current_setting('app.unit_code', true)"
# The cases of the unit, plus those an action of this transaction already found (a transfer
# moves its case away before it writes the event and the deadlines).
VISIBLE_CASE = (
    f"(unit_code = {UNIT} OR submitted_by_unit = {UNIT} "
    "OR id = ANY (string_to_array(NULLIF(current_setting('app.case_ids', true), ''), ',')::bigint[]))"
)
# Rows of other tables are visible when their case is (the subquery is itself under RLS).
CHILD_POLICY = "branch_case_rows"
PROTECT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION complaints_protect_case_tables() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  child regclass;
  protected integer := 0;
BEGIN
  FOR child IN
    SELECT DISTINCT c.conrelid::regclass
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.contype = 'f' AND c.confrelid = 'public.cases'::regclass
      AND c.conrelid <> 'public.cases'::regclass AND a.attname = 'case_id'
      AND NOT EXISTS (
        SELECT 1 FROM pg_policy p WHERE p.polrelid = c.conrelid AND p.polname = '{CHILD_POLICY}'
      )
  LOOP
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', child);
    EXECUTE format(
      'CREATE POLICY {CHILD_POLICY} ON %s TO {ROLE} '
      'USING (EXISTS (SELECT 1 FROM cases WHERE cases.id = case_id)) '
      'WITH CHECK (EXISTS (SELECT 1 FROM cases WHERE cases.id = case_id))',
      child
    );
    protected := protected + 1;
  END LOOP;
  RETURN protected;
END
$$
"""
PII_COLUMNS = ("complainant_name", "complainant_phone", "complainant_email", "complainant_id_number")


def upgrade() -> None:
    for column in PII_COLUMNS:
        op.alter_column("cases", column, type_=sa.Text(), existing_nullable=True)
    op.add_column("cases", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("api_keys", sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True))
    op.alter_column(
        "idempotency_keys",
        "response_body",
        type_=sa.Text(),
        existing_type=postgresql.JSONB(astext_type=sa.Text()),
        existing_nullable=False,
        postgresql_using="response_body::text",
    )
    op.create_table(
        "personal_data_reads",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("fields", postgresql.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_personal_data_reads_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_personal_data_reads_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_reads")),
    )
    op.create_index(op.f("ix_personal_data_reads_at"), "personal_data_reads", ["at"], unique=False)
    op.create_index(op.f("ix_personal_data_reads_case_id"), "personal_data_reads", ["case_id"], unique=False)
    _branch_role()
    _row_level_security()


def _branch_role() -> None:
    op.execute(f"DO $$ BEGIN CREATE ROLE {ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    # Whoever connects must be allowed to SET ROLE to it; migrations usually run as that user.
    op.execute(
        f"DO $$ BEGIN IF NOT pg_has_role(current_user, '{ROLE}', 'MEMBER') THEN "
        f"EXECUTE format('GRANT {ROLE} TO %I', current_user); END IF; END $$"
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
    # Tables later migrations create (as this same user) are usable too; one that holds case
    # data must get its policy (tests/complaints/test_row_level_security.py checks).
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {ROLE}"
    )
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {ROLE}")
    # Keys are checked before the switch; a branch has no business reading them.
    op.execute(f"REVOKE ALL ON api_keys, alembic_version FROM {ROLE}")


def _row_level_security() -> None:
    op.execute("ALTER TABLE cases ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY branch_read ON cases FOR SELECT TO {ROLE} USING {VISIBLE_CASE}")
    op.execute(
        f"CREATE POLICY branch_file ON cases FOR INSERT TO {ROLE} WITH CHECK (submitted_by_unit = {UNIT})"
    )
    # A branch may hand its case on (transfer): the new row need not stay its own.
    op.execute(
        f"CREATE POLICY branch_act ON cases FOR UPDATE TO {ROLE} USING {VISIBLE_CASE} WITH CHECK (true)"
    )
    # Every other table whose case_id references cases: the case decides. Tables that other
    # revisions create, before or after this one, get the same policy: migrations/env.py calls
    # this function at the end of every run.
    op.execute(PROTECT_FUNCTION)
    op.execute("SELECT complaints_protect_case_tables()")


def downgrade() -> None:
    op.execute(
        f"""
        DO $$
        DECLARE child regclass;
        BEGIN
          FOR child IN
            SELECT format('%I.%I', schemaname, tablename)::regclass FROM pg_policies
            WHERE schemaname = 'public' AND policyname = '{CHILD_POLICY}'
          LOOP
            EXECUTE format('DROP POLICY {CHILD_POLICY} ON %s', child);
            EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', child);
          END LOOP;
        END $$
        """
    )
    op.execute("DROP FUNCTION complaints_protect_case_tables()")
    for policy in ("branch_act", "branch_file", "branch_read"):
        op.execute(f"DROP POLICY {policy} ON cases")
    op.execute("ALTER TABLE cases DISABLE ROW LEVEL SECURITY")
    # Every grant and default privilege of the role in this database (the role itself stays).
    op.execute(f"DROP OWNED BY {ROLE}")

    op.drop_index(op.f("ix_personal_data_reads_case_id"), table_name="personal_data_reads")
    op.drop_index(op.f("ix_personal_data_reads_at"), table_name="personal_data_reads")
    op.drop_table("personal_data_reads")
    # Sealed answers are not JSON: those idempotency records go (a retry then opens anew).
    op.execute("DELETE FROM idempotency_keys WHERE response_body LIKE 'pii1:%'")
    op.alter_column(
        "idempotency_keys",
        "response_body",
        type_=postgresql.JSONB(astext_type=sa.Text()),
        existing_type=sa.Text(),
        existing_nullable=False,
        postgresql_using="response_body::jsonb",
    )
    op.drop_column("api_keys", "rotated_at")
    op.drop_column("cases", "erased_at")
    # The personal-data columns stay text: sealed values no longer fit the old widths, and
    # SQL cannot open them.

"""case links both sides: a branch sees a link between two cases only if it sees both

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:00:00+00:00

Hand-written. Migration 0007 gave `case_links` the policy every table hanging off a case
gets: visible when its `case_id` is. But a link has two cases: a branch that filed a repeat
of another branch's case saw the link from its side and so learnt the other case existed
(and its GET failed looking up a number it may not read). The policy now asks for both
`case_id` and `related_case_id`; it keeps its name, so complaints_protect_case_tables()
(run at the end of every migration) leaves it as it is.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "complaints_branch"
POLICY = "branch_case_rows"
SIDE = "EXISTS (SELECT 1 FROM cases WHERE cases.id = {column})"
ONE_SIDE = SIDE.format(column="case_id")
BOTH_SIDES = f"({ONE_SIDE} AND {SIDE.format(column='related_case_id')})"


def _policy(condition: str) -> None:
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON case_links")
    op.execute(f"CREATE POLICY {POLICY} ON case_links TO {ROLE} USING {condition} WITH CHECK {condition}")


def upgrade() -> None:
    _policy(BOTH_SIDES)


def downgrade() -> None:
    _policy(f"({ONE_SIDE})")

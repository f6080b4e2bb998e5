"""The case, its append-only event trail and its deadlines."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Numeric,
    Sequence,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base

# Case numbers are TS + acceptance date + this counter; one sequence keeps them unique.
CASE_NUMBER_SEQUENCE = Sequence("case_number_seq", metadata=Base.metadata)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_unit_code_status", "unit_code", "status"),
        # Call-center retries are recognised by their call id per submitting key.
        Index("ix_cases_submitted_by_key_id_external_ref", "submitted_by_key_id", "external_ref"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    external_ref: Mapped[str | None] = mapped_column(String(200))
    # 受理时间: when the complaint reached the organisation; deadlines count from here.
    received_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    complainant_name: Mapped[str | None] = mapped_column(String(200))
    complainant_phone: Mapped[str | None] = mapped_column(String(32))
    complainant_email: Mapped[str | None] = mapped_column(String(320))
    complainant_id_number: Mapped[str | None] = mapped_column(String(32))
    complainant_customer_no: Mapped[str | None] = mapped_column(String(64))

    content: Mapped[str] = mapped_column(Text)
    demand: Mapped[str | None] = mapped_column(Text)
    branch_code: Mapped[str | None] = mapped_column(String(32))
    staff_id: Mapped[str | None] = mapped_column(String(32))
    occurred_at: Mapped[datetime | None]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    upstream_ref: Mapped[str | None] = mapped_column(String(200))
    upstream_due_at: Mapped[datetime | None]

    # The submitter's hints until routing classifies; routing's decision afterwards.
    business_type: Mapped[str | None] = mapped_column(String(32))
    cause: Mapped[str | None] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    flags: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)

    unit_code: Mapped[str | None] = mapped_column(String(32))
    assignee_staff_id: Mapped[str | None] = mapped_column(String(32))
    routing_rule: Mapped[str | None] = mapped_column(String(100))
    routing_reason: Mapped[str | None] = mapped_column(Text)
    escalation_level: Mapped[str] = mapped_column(String(32))

    submitted_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    # The unit of the submitting key: a partner branch keeps seeing the cases it filed.
    submitted_by_unit: Mapped[str | None] = mapped_column(String(32))


class CaseEvent(Base):
    """Append-only: who did what to a case, when, why, and the status before and after."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, object]] = mapped_column(JSONB, default=dict)


class Deadline(Base):
    """One clock on a case. `next_check_at` is the next instant the sweeper must look at it."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("case_id", "kind"),
        # The sweep reads only clocks with something still to announce: this index stays
        # as small as the number of running clocks, not the number of cases ever filed.
        Index(
            "ix_deadlines_next_check_at_open",
            "next_check_at",
            postgresql_where=text("next_check_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    # The policy that set it, e.g. "24 hours" or "15 days", shown to people.
    period: Mapped[str] = mapped_column(String(64))
    warn_at: Mapped[list[datetime]] = mapped_column(ARRAY(DateTime(timezone=True)), default=list)
    warnings_sent: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_check_at: Mapped[datetime | None]
    # Set while the case waits on the customer or an appraisal: that time is not counted.
    paused_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    met_at: Mapped[datetime | None]

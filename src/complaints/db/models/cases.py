"""The case, its append-only event trail and its deadlines."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
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
from complaints.db.sealed import SealedText

# Case numbers are TS + acceptance date + this counter; one sequence keeps them unique.
CASE_NUMBER_SEQUENCE = Sequence("case_number_seq", metadata=Base.metadata)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_unit_code_status", "unit_code", "status"),
        # Call-center retries are recognised by their call id per submitting key.
        Index("ix_cases_submitted_by_key_id_external_ref", "submitted_by_key_id", "external_ref"),
        # The unaccepted-case sweep reads only cases waiting for their unit to accept them.
        Index(
            "ix_cases_assigned_at_unaccepted",
            "assigned_at",
            postgresql_where=text("status = 'assigned'"),
        ),
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

    # Sealed at rest (complaints.db.pii): the table holds envelopes, the attributes plain values.
    complainant_name: Mapped[str | None] = mapped_column(SealedText("cases.complainant_name"))
    complainant_phone: Mapped[str | None] = mapped_column(SealedText("cases.complainant_phone"))
    complainant_email: Mapped[str | None] = mapped_column(SealedText("cases.complainant_email"))
    complainant_id_number: Mapped[str | None] = mapped_column(SealedText("cases.complainant_id_number"))
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
    # What routing read in the text besides: credit or debit card, the channel of the disputed
    # business (JR/T 0169's A-dimension), how sure it was, and the model that decided.
    card_kind: Mapped[str | None] = mapped_column(String(16))
    business_channel: Mapped[str | None] = mapped_column(String(32))
    classification_confidence: Mapped[float | None] = mapped_column(Float)
    classifier_version: Mapped[str | None] = mapped_column(String(64))

    unit_code: Mapped[str | None] = mapped_column(String(32))
    assignee_staff_id: Mapped[str | None] = mapped_column(String(32), index=True)
    routing_rule: Mapped[str | None] = mapped_column(String(100))
    routing_reason: Mapped[str | None] = mapped_column(Text)
    escalation_level: Mapped[str] = mapped_column(String(32))

    submitted_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    # The unit of the submitting key: a partner branch keeps seeing the cases it filed.
    submitted_by_unit: Mapped[str | None] = mapped_column(String(32))

    # Keyed hashes (HMAC) of the complainant's identifiers: repeats are found by comparing
    # these, never the plain values (domain/identity.py). The e-mail hash checks that a reply
    # naming a case number comes from that case's complainant.
    complainant_phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    complainant_email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    complainant_id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    complainant_customer_no_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # SimHash of the complaint's words: near-identical texts from many people (domain/similarity.py).
    content_simhash: Mapped[int | None] = mapped_column(BigInteger)

    # Handling (DOMAIN.md "Lifecycle"). 首问负责制: whoever recorded the case owns it until the
    # target unit accepts it.
    first_receiver: Mapped[str | None] = mapped_column(String(100))
    # When the current unit was given the case (routing or transfer); the unaccepted-case
    # ladder counts from here, and `unaccepted_steps` is how far it has climbed since.
    assigned_at: Mapped[datetime | None]
    unaccepted_steps: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    accepted_at: Mapped[datetime | None]
    accepted_by: Mapped[str | None] = mapped_column(String(100))
    transfer_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    return_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    paused_until: Mapped[datetime | None]
    # The regulatory period in days once extended (30 or 60); NULL while the policy's applies.
    regulatory_days: Mapped[int | None] = mapped_column(SmallInteger)
    # The proposal: a typed outcome, the verdict after investigation, the reply sent.
    outcome: Mapped[str | None] = mapped_column(String(16))
    verdict: Mapped[str | None] = mapped_column(String(16))
    outcome_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    reply: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    satisfaction: Mapped[str | None] = mapped_column(String(24))
    refusal_ground: Mapped[str | None] = mapped_column(String(32))
    merged_into: Mapped[str | None] = mapped_column(ForeignKey("cases.case_number"), index=True)
    closed_at: Mapped[datetime | None]
    # When the complainant's data was erased at their request (the statistics stay).
    erased_at: Mapped[datetime | None]


class CaseEvent(Base):
    """Append-only: who did what to a case, when, why, and the status before and after."""

    __tablename__ = "case_events"
    __table_args__ = (
        # The report facts (reports.py) count reopens and resolution breaches per case.
        Index(
            "ix_case_events_case_id_rework",
            "case_id",
            postgresql_where=text("kind = 'reopened' OR (kind = 'called_back' AND data ? 'reopened')"),
        ),
        Index(
            "ix_case_events_case_id_resolution_breach",
            "case_id",
            postgresql_where=text("kind = 'deadline_breached' AND data ->> 'deadline' = 'resolution'"),
        ),
    )

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
        # The overdue list reads clocks not met yet, by due time.
        Index("ix_deadlines_due_at_unmet", "due_at", postgresql_where=text("met_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    # The policy that set it, e.g. "24 hours" or "15 days", shown to people.
    period: Mapped[str] = mapped_column(String(64))
    # The same period as the engine reads it; NULL for a deadline someone else set (a promise,
    # an upstream date), which has no unit and is not paused.
    unit: Mapped[str | None] = mapped_column(String(16))
    amount: Mapped[int | None] = mapped_column(Integer)
    # Paused time given back, in the unit's grain: microseconds for hours and working hours,
    # days for days and working days (domain/deadlines.py). Re-planning keeps it.
    excluded: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    warn_at: Mapped[list[datetime]] = mapped_column(ARRAY(DateTime(timezone=True)), default=list)
    warnings_sent: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_check_at: Mapped[datetime | None]
    # Set while the case waits on the customer or an appraisal: that time is not counted.
    paused_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    met_at: Mapped[datetime | None]

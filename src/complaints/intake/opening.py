"""Opening a case: the case, its first event and its routing job, in the caller's transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.configuration.rulebook import load_rulebook
from complaints.db import events
from complaints.db.models import Case
from complaints.db.models.cases import CASE_NUMBER_SEQUENCE
from complaints.domain.calendar import BusinessCalendar
from complaints.domain.events import EventKind
from complaints.domain.identity import IdentityHasher, IdentityHashes
from complaints.domain.similarity import simhash, to_signed
from complaints.domain.vocabulary import (
    STAFF_ENTERED_CHANNELS,
    EscalationLevel,
    Severity,
    Status,
)
from complaints.errors import CalendarNotCovered, Forbidden, InvalidInput
from complaints.jobs import outbox
from complaints.observability import correlation
from complaints.observability.business import INTAKE
from complaints.schemas.complaint import ComplaintCreate
from complaints.schemas.jobs import RouteCase
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal

# Clocks of the submitting system and ours may disagree by a little.
CLOCK_SKEW = timedelta(minutes=2)
# How far back received_at may lie (COMPLAINTS_BACKDATE_MAX_DAYS).
DEFAULT_BACKDATE_LIMIT = timedelta(days=365)


@dataclass(frozen=True)
class Opened:
    case: Case


def acceptance_time(
    data: ComplaintCreate,
    *,
    principal: Principal,
    now: datetime,
    limit: timedelta = DEFAULT_BACKDATE_LIMIT,
    calendar: BusinessCalendar | None = None,
) -> datetime:
    """受理时间: now, or earlier for a staff-entered complaint that arrived before it was typed in.

    Never earlier than `limit` before now, nor earlier than the working-day calendar can count
    from: a case accepted then gets no deadline clock at all (routing fails on it for ever)."""
    if data.received_at is None:
        return now
    if data.channel not in STAFF_ENTERED_CHANNELS:
        raise InvalidInput(
            f"received_at may only be given for staff-entered channels "
            f"({', '.join(sorted(STAFF_ENTERED_CHANNELS))})",
            field="received_at",
        )
    if data.received_at > now + CLOCK_SKEW:
        raise InvalidInput("received_at lies in the future", field="received_at")
    if data.received_at < now - limit:
        raise InvalidInput(
            f"received_at lies more than {limit.days} days back; a complaint that old is entered "
            "with the day it is recorded (the limit is COMPLAINTS_BACKDATE_MAX_DAYS)",
            field="received_at",
        )
    if calendar is not None:
        zone = calendar.tz
        try:
            calendar.ensure_covers(data.received_at.astimezone(zone).date(), now.astimezone(zone).date())
        except CalendarNotCovered as error:
            raise InvalidInput(
                f"received_at lies where the working-day calendar cannot count deadlines: {error}",
                field="received_at",
            ) from None
    if not principal.may(Permission.INTAKE_BACKDATE):
        raise Forbidden("back-dating received_at needs the intake:backdate scope")
    # Within the skew the sender's clock is ahead of ours: it arrived now, not later.
    return min(data.received_at, now)


async def next_case_number(
    session: AsyncSession, *, prefix: str, received_at: datetime, zone: ZoneInfo
) -> str:
    counter = await session.scalar(select(CASE_NUMBER_SEQUENCE.next_value()))
    return f"{prefix}{received_at.astimezone(zone):%Y%m%d}{counter:06d}"


async def open_case(
    session: AsyncSession,
    *,
    data: ComplaintCreate,
    principal: Principal | None,
    now: datetime,
    zone: ZoneInfo,
    case_number_prefix: str,
    retry_after: float,
    identity: IdentityHasher | None = None,
    actor: str | None = None,
    backdate_limit: timedelta = DEFAULT_BACKDATE_LIMIT,
) -> Opened:
    """`principal` is the API key that submitted it; None for a public channel (web form,
    e-mail, SMS), which never back-dates and is recorded as `actor` (default: the channel)."""
    received_at = now
    if principal is not None:
        # Only a back-dated complaint needs the calendar (and pays for reading it).
        calendar = (await load_rulebook(session, zone=zone)).calendar if data.received_at else None
        received_at = acceptance_time(
            data, principal=principal, now=now, limit=backdate_limit, calendar=calendar
        )
    actor = principal.name if principal else (actor or data.channel)
    complainant = data.complainant
    hashes = (
        identity.of(
            phone=complainant.phone,
            email=complainant.email,
            id_number=complainant.id_number,
            customer_no=complainant.customer_no,
        )
        if identity
        else IdentityHashes()
    )
    fingerprint = simhash("\n".join(filter(None, [data.content, data.demand])))
    case = Case(
        case_number=await next_case_number(
            session, prefix=case_number_prefix, received_at=received_at, zone=zone
        ),
        status=Status.RECEIVED,
        channel=data.channel,
        source=data.source,
        external_ref=data.external_ref,
        received_at=received_at,
        created_at=now,
        updated_at=now,
        complainant_name=complainant.name,
        complainant_phone=complainant.phone,
        complainant_email=complainant.email,
        complainant_id_number=complainant.id_number,
        complainant_customer_no=complainant.customer_no,
        content=data.content,
        demand=data.demand,
        branch_code=data.branch_code,
        staff_id=data.staff_id,
        occurred_at=data.occurred_at,
        amount=data.amount,
        confidential=data.confidential,
        upstream_ref=data.upstream.ref if data.upstream else None,
        upstream_due_at=data.upstream.due_at if data.upstream else None,
        business_type=data.business_type,
        cause=data.cause,
        severity=data.severity or Severity.GENERAL,
        flags=[],
        escalation_level=EscalationLevel.HANDLER,
        submitted_by_key_id=principal.key_id if principal else None,
        submitted_by_unit=principal.unit_code if principal else None,
        # 首问负责制: whoever records the case owns it until the target unit accepts it.
        first_receiver=actor,
        complainant_phone_hash=hashes.phone,
        complainant_email_hash=hashes.email,
        complainant_id_number_hash=hashes.id_number,
        complainant_customer_no_hash=hashes.customer_no,
        content_simhash=None if fingerprint is None else to_signed(fingerprint),
    )
    session.add(case)
    await session.flush()
    correlation.bind_case(case.case_number)
    session.add(
        events.new(
            EventKind.RECEIVED,
            case,
            at=now,
            actor=actor,
            from_status=None,
            to_status=Status.RECEIVED,
            data={
                "channel": data.channel,
                "source": data.source,
                "external_ref": data.external_ref,
                "received_at": received_at.isoformat(),
                "hints": data.model_dump(mode="json", include={"business_type", "cause", "severity"}),
            },
        )
    )
    await outbox.add(session, RouteCase(case_id=case.id), now=now, retry_after=retry_after)
    # Counted here, the one place every channel opens a case (a rolled-back opening is rare).
    INTAKE.labels(data.channel).inc()
    return Opened(case)


async def find_by_external_ref(
    session: AsyncSession, *, principal: Principal, external_ref: str
) -> Case | None:
    """The case this key already filed under this call id, if any.

    Takes a transaction-scoped lock on (key, call id) first, so two concurrent posts of one
    call wait for each other and the second finds the first's case instead of opening another.
    """
    await session.execute(
        select(
            func.pg_advisory_xact_lock(
                func.hashtextextended(f"external_ref:{principal.key_id}:{external_ref}", 0)
            )
        )
    )
    found: Case | None = await session.scalar(
        select(Case)
        .where(Case.submitted_by_key_id == principal.key_id, Case.external_ref == external_ref)
        .order_by(Case.id)
        .limit(1)
    )
    return found

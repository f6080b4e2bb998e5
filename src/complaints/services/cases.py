"""Reading cases back: one case with its clocks, filtered pages, the audit trail."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, CaseEvent, Deadline
from complaints.domain import masking
from complaints.domain.vocabulary import Channel, DeadlineState, Severity, Status
from complaints.errors import InvalidInput, NotFound
from complaints.schemas.complaint import (
    CasePage,
    CaseView,
    ComplainantView,
    DeadlineView,
    EventList,
    EventView,
    RoutingView,
    Upstream,
)
from complaints.services.access import Principal, Scope


@dataclass(frozen=True)
class CaseFilters:
    status: Status | None = None
    unit: str | None = None
    channel: Channel | None = None
    severity: Severity | None = None
    overdue: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    q: str | None = None


def _visible(query: Select[Case], principal: Principal) -> Select[Case]:
    restriction = principal.case_filter()
    return query if restriction is None else query.where(restriction)


async def find_case(session: AsyncSession, *, case_number: str, principal: Principal) -> Case:
    """Another branch's case is answered exactly like a missing one."""
    if "\x00" in case_number:  # no case has one, and Postgres would refuse the query
        raise NotFound(f"no case {case_number}")
    case = await session.scalar(_visible(select(Case).where(Case.case_number == case_number), principal))
    if case is None:
        raise NotFound(f"no case {case_number}")
    return case


async def case_view(session: AsyncSession, *, case: Case, principal: Principal) -> CaseView:
    deadlines = (
        await session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_at))
    ).all()
    return render(case, deadlines, reveal_pii=principal.may(Scope.PII_READ))


def render(case: Case, deadlines: Sequence[Deadline], *, reveal_pii: bool) -> CaseView:
    def shown(value: str | None, mask: "masking.Masker") -> str | None:
        if value is None or reveal_pii:
            return value
        return mask(value)

    return CaseView(
        case_number=case.case_number,
        status=Status(case.status),
        channel=Channel(case.channel),
        source=case.source,
        external_ref=case.external_ref,
        received_at=case.received_at,
        complainant=ComplainantView(
            name=shown(case.complainant_name, masking.mask_name),
            phone=shown(case.complainant_phone, masking.mask_phone),
            email=shown(case.complainant_email, masking.mask_email),
            id_number=shown(case.complainant_id_number, masking.mask_id_number),
            customer_no=shown(case.complainant_customer_no, masking.mask_customer_no),
        ),
        content=case.content,
        demand=case.demand,
        branch_code=case.branch_code,
        business_type=case.business_type,
        cause=case.cause,
        severity=Severity(case.severity),
        flags=case.flags,
        unit=case.unit_code,
        assignee=case.assignee_staff_id,
        routing=RoutingView(rule=case.routing_rule, reason=case.routing_reason or "")
        if case.routing_rule
        else None,
        upstream=Upstream(ref=case.upstream_ref, due_at=case.upstream_due_at) if case.upstream_ref else None,
        deadlines=[
            DeadlineView(kind=d.kind, due_at=d.due_at, state=d.state, period=d.period) for d in deadlines
        ],
        related=[],
    )


def encode_cursor(case_id: int) -> str:
    return base64.urlsafe_b64encode(str(case_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    invalid = InvalidInput("cursor is not one this API handed out", field="cursor")
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError as error:
        raise invalid from error
    # Only what encode_cursor makes: a positive bigint id (anything larger fails in Postgres).
    if not (decoded.isascii() and decoded.isdigit()) or not 0 < int(decoded) < 2**63:
        raise invalid
    return int(decoded)


async def list_cases(
    session: AsyncSession,
    *,
    principal: Principal,
    filters: CaseFilters,
    cursor: str | None,
    limit: int,
    now: datetime,
) -> CasePage:
    """Newest first; the cursor is the last id seen, so pages stay stable while cases arrive."""
    for name, value in (("q", filters.q), ("unit", filters.unit)):
        if value is not None and "\x00" in value:
            raise InvalidInput(f"{name} must not contain NUL characters", field=name)
    query = _visible(select(Case), principal)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.unit:
        query = query.where(Case.unit_code == filters.unit)
    if filters.channel:
        query = query.where(Case.channel == filters.channel)
    if filters.severity:
        query = query.where(Case.severity == filters.severity)
    if filters.received_from:
        query = query.where(Case.received_at >= filters.received_from)
    if filters.received_to:
        query = query.where(Case.received_at < filters.received_to)
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Case.content.ilike(pattern), Case.case_number == filters.q))
    if filters.overdue is not None:
        late = exists().where(
            Deadline.case_id == Case.id,
            or_(
                Deadline.state == DeadlineState.BREACHED,
                (Deadline.met_at.is_(None)) & (Deadline.due_at < now),
            ),
        )
        query = query.where(late if filters.overdue else ~late)
    if cursor:
        query = query.where(Case.id < decode_cursor(cursor))
    cases = (await session.scalars(query.order_by(Case.id.desc()).limit(limit + 1))).all()
    page, more = cases[:limit], len(cases) > limit
    deadlines: dict[int, list[Deadline]] = {case.id: [] for case in page}
    if page:
        for deadline in await session.scalars(
            select(Deadline).where(Deadline.case_id.in_(deadlines)).order_by(Deadline.due_at)
        ):
            deadlines[deadline.case_id].append(deadline)
    reveal = principal.may(Scope.PII_READ)
    return CasePage(
        items=[render(case, deadlines[case.id], reveal_pii=reveal) for case in page],
        next_cursor=encode_cursor(page[-1].id) if more else None,
    )


async def list_events(session: AsyncSession, *, case: Case) -> EventList:
    events = await session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    )
    return EventList(
        items=[
            EventView(
                kind=e.kind,
                at=e.at,
                actor=e.actor,
                from_status=e.from_status,
                to_status=e.to_status,
                reason=e.reason,
                data=e.data,
            )
            for e in events
        ]
    )

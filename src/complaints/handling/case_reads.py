"""Reading cases back: one case with its clocks, filtered pages, the audit trail."""

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import tenancy
from complaints.db.models import Case, CaseEvent, CaseLink, Deadline
from complaints.domain import masking
from complaints.domain.deadlines import PeriodUnit
from complaints.domain.vocabulary import (
    Channel,
    DeadlineKind,
    DeadlineState,
    EscalationLevel,
    Flag,
    Severity,
    Status,
)
from complaints.errors import InvalidInput, NotFound
from complaints.handling import attachments, other_cases
from complaints.schemas.complaint import (
    CasePage,
    CaseView,
    ComplainantView,
    DeadlineView,
    EventList,
    EventView,
    HandlingView,
    RelationView,
    RoutingView,
    Upstream,
)
from complaints.schemas.keys import Permission
from complaints.security import pii_reads
from complaints.security.api_keys import Principal

TICKING = (DeadlineState.RUNNING, DeadlineState.WARNED)
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class CaseFilters:
    status: Status | None = None
    unit: str | None = None
    channel: Channel | None = None
    severity: Severity | None = None
    overdue: bool | None = None
    # A running clock (not met, paused or breached) falls due before this instant.
    due_before: datetime | None = None
    # About to breach: a running clock past its last warning threshold and not yet due.
    about_to_breach: bool | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    q: str | None = None
    # Supervisors' views: not yet accepted, by handler, by rung of the escalation ladder.
    unaccepted: bool | None = None
    assignee: str | None = None
    escalation_level: EscalationLevel | None = None
    # The classifier could not place it: it waits to be sorted (Flag.NEEDS_TRIAGE, 待分类).
    needs_triage: bool | None = None


def _visible(query: Select[*Ts], principal: Principal) -> Select[*Ts]:
    restriction = principal.case_filter()
    return query if restriction is None else query.where(restriction)


async def find_case(
    session: AsyncSession, *, case_number: str, principal: Principal, for_update: bool = False
) -> Case:
    """Another branch's case is answered exactly like a missing one.

    `for_update` locks the row until the transaction ends: actions on one case take turns.
    """
    if "\x00" in case_number:  # no case has one, and Postgres would refuse the query
        raise NotFound(f"no case {case_number}")
    query = _visible(select(Case).where(Case.case_number == case_number), principal)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    case = await session.scalar(query)
    if case is None:
        raise NotFound(f"no case {case_number}")
    if for_update:
        # An action may move the case out of a branch key's sight (a transfer) before it has
        # written its event: row-level security keeps it visible until the commit.
        await tenancy.keep_visible(session, case_id=case.id)
    return case


async def case_view(
    session: AsyncSession, *, case: Case, principal: Principal, now: datetime, purpose: str = "getComplaint"
) -> CaseView:
    """The case as `principal` may see it; showing its personal data unmasked is recorded."""
    deadlines = (
        await session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_at))
    ).all()
    reveal = principal.may(Permission.PII_READ)
    view = render(case, deadlines, reveal_pii=reveal, now=now)
    if reveal:
        await pii_reads.record(session, principal=principal, cases=[case], purpose=purpose, now=now)
    merged_in = await session.scalars(
        select(Case.case_number).where(Case.merged_into == case.case_number).order_by(Case.id)
    )
    view.related.extend(merged_in)
    await _add_links(session, [view], [case.id])
    view.attachments = await attachments.of_case(session, case_id=case.id)
    return view


async def _add_links(session: AsyncSession, views: Sequence[CaseView], case_ids: Sequence[int]) -> None:
    """Repeat and group links (services/repeats.py) in `relations`, and their numbers in `related`;
    other cases named in the routing reason only as far as the reader may see them."""
    links = await relations(session, case_ids=case_ids)
    for view, case_id in zip(views, case_ids, strict=True):
        view.relations = links[case_id]
        view.related.extend(r.case_number for r in links[case_id] if r.case_number not in view.related)
    hide = await other_cases.hider_for(
        session, values=[view.routing.reason for view in views if view.routing]
    )
    for view in views:
        if view.routing is not None:
            view.routing.reason = hide.text(view.routing.reason)


def deadline_view(deadline: Deadline, *, now: datetime) -> DeadlineView:
    """A clock with its state and the time it has left."""
    if deadline.met_at is not None:
        remaining = None
    else:
        # A paused clock keeps what it had left when the pause began.
        reference = (
            deadline.paused_at if deadline.state == DeadlineState.PAUSED and deadline.paused_at else now
        )
        remaining = math.floor((deadline.due_at - reference).total_seconds())
    return DeadlineView(
        kind=DeadlineKind(deadline.kind),
        due_at=deadline.due_at,
        state=DeadlineState(deadline.state),
        period=deadline.period,
        unit=PeriodUnit(deadline.unit) if deadline.unit else None,
        remaining_seconds=remaining,
        warnings_sent=deadline.warnings_sent,
        paused_at=deadline.paused_at,
        breached_at=deadline.breached_at,
        met_at=deadline.met_at,
    )


def render(case: Case, deadlines: Sequence[Deadline], *, reveal_pii: bool, now: datetime) -> CaseView:
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
        deadlines=[deadline_view(deadline, now=now) for deadline in deadlines],
        related=[case.merged_into] if case.merged_into else [],
        handling=HandlingView(
            first_receiver=case.first_receiver,
            accepted_at=case.accepted_at,
            accepted_by=case.accepted_by,
            escalation_level=EscalationLevel(case.escalation_level),
            transfer_count=case.transfer_count,
            return_count=case.return_count,
            paused_until=case.paused_until,
            regulatory_days=case.regulatory_days,
            outcome=case.outcome,
            verdict=case.verdict,
            amount=case.outcome_amount,
            reply=case.reply,
            resolved_at=case.resolved_at,
            satisfaction=case.satisfaction,
            refusal_ground=case.refusal_ground,
            merged_into=case.merged_into,
            closed_at=case.closed_at,
        ),
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


def filtered(query: Select[*Ts], *, principal: Principal, filters: CaseFilters, now: datetime) -> Select[*Ts]:
    """`query` (over cases) narrowed to what the principal sees and the filters ask for."""
    query = _visible(query, principal)
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
    ticking = (Deadline.case_id == Case.id, Deadline.state.in_(TICKING), Deadline.met_at.is_(None))
    if filters.due_before is not None:
        query = query.where(exists().where(*ticking, Deadline.due_at < filters.due_before))
    if filters.about_to_breach is not None:
        last_warning = Deadline.warn_at[func.array_upper(Deadline.warn_at, 1)]
        close = exists().where(*ticking, last_warning <= now, Deadline.due_at > now)
        query = query.where(close if filters.about_to_breach else ~close)
    if filters.unaccepted is not None:
        # Assigned to a unit that has not accepted it yet (首问负责: still the first receiver's).
        waiting = Case.status == Status.ASSIGNED
        query = query.where(waiting if filters.unaccepted else ~waiting)
    if filters.assignee:
        query = query.where(Case.assignee_staff_id == filters.assignee)
    if filters.escalation_level:
        query = query.where(Case.escalation_level == filters.escalation_level)
    if filters.needs_triage is not None:
        waiting = Case.flags.contains([Flag.NEEDS_TRIAGE.value])
        query = query.where(waiting if filters.needs_triage else ~waiting)
    return query


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
    for name, value in (("q", filters.q), ("unit", filters.unit), ("assignee", filters.assignee)):
        if value is not None and "\x00" in value:
            raise InvalidInput(f"{name} must not contain NUL characters", field=name)
    query = filtered(select(Case), principal=principal, filters=filters, now=now)
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
    reveal = principal.may(Permission.PII_READ)
    items = [render(case, deadlines[case.id], reveal_pii=reveal, now=now) for case in page]
    if reveal:
        await pii_reads.record(session, principal=principal, cases=page, purpose="listComplaints", now=now)
    await _add_links(session, items, [case.id for case in page])
    return CasePage(items=items, next_cursor=encode_cursor(page[-1].id) if more else None)


async def list_events(session: AsyncSession, *, case: Case) -> EventList:
    """The audit trail; other cases it names only as far as the reader may see them."""
    events = (
        await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    ).all()
    hide = await other_cases.hider_for(session, values=[v for e in events for v in (e.reason, e.data)])
    return EventList(
        items=[
            EventView(
                kind=e.kind,
                at=e.at,
                actor=e.actor,
                from_status=e.from_status,
                to_status=e.to_status,
                reason=hide.text(e.reason) if e.reason is not None else None,
                data=hide.mapping(e.data),
            )
            for e in events
        ]
    )


async def relations(session: AsyncSession, *, case_ids: Sequence[int]) -> dict[int, list[RelationView]]:
    """Each case's links, whichever side of the link it is on, oldest first."""
    found: dict[int, list[RelationView]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    rows = await session.execute(
        select(CaseLink.case_id, CaseLink.related_case_id, CaseLink.kind)
        .where(or_(CaseLink.case_id.in_(case_ids), CaseLink.related_case_id.in_(case_ids)))
        .order_by(CaseLink.id)
    )
    pairs = [(a, b, kind) for a, b, kind in rows]
    ids = {a for a, _, _ in pairs} | {b for _, b, _ in pairs}
    numbers: dict[int, str] = {}
    if ids:
        numbers = {
            row.id: row.case_number
            for row in await session.execute(select(Case.id, Case.case_number).where(Case.id.in_(ids)))
        }
    for a, b, kind in pairs:
        for mine, other in ((a, b), (b, a)):
            # Row-level security shows a link only when both its cases are visible; a case
            # the reader cannot see is left out here too, never looked up (a KeyError, a 500).
            if mine not in found or other not in numbers:
                continue
            if all(r.case_number != numbers[other] or r.kind != kind for r in found[mine]):
                found[mine].append(RelationView(kind=kind, case_number=numbers[other]))
    return found

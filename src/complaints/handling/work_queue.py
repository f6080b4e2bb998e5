"""The staff console's work queue: a person's cases, their unit's, those about to breach, the
overdue, and those waiting to be classified (待分类: the classifier could not place them).

Only cases still being worked (a resolved case still owes its callback); the most urgent
first, by the next clock to fall due. Paged by number: a queue is read, not synced.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, Deadline
from complaints.domain.lifecycle import FINISHED_STATUSES
from complaints.domain.vocabulary import Severity, Status
from complaints.handling.case_reads import TICKING, CaseFilters, filtered
from complaints.security.api_keys import Principal


class Tab(StrEnum):
    MINE = "mine"
    UNIT = "unit"
    ABOUT_TO_BREACH = "about_to_breach"
    OVERDUE = "overdue"
    TO_CLASSIFY = "to_classify"


@dataclass(frozen=True)
class QueueRow:
    case_number: str
    status: Status
    severity: Severity
    business_type: str | None
    unit: str | None
    assignee: str | None
    next_due: datetime | None
    remaining_seconds: int | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: int
    pages: int
    total: int


def _filters(tab: Tab, *, staff_id: str, unit_code: str) -> CaseFilters:
    match tab:
        case Tab.MINE:
            return CaseFilters(assignee=staff_id)
        case Tab.UNIT:
            return CaseFilters(unit=unit_code)
        case Tab.ABOUT_TO_BREACH:
            return CaseFilters(about_to_breach=True)
        case Tab.OVERDUE:
            return CaseFilters(overdue=True)
        case Tab.TO_CLASSIFY:
            return CaseFilters(needs_triage=True)


async def work_queue(
    session: AsyncSession,
    *,
    principal: Principal,
    tab: Tab,
    staff_id: str,
    unit_code: str,
    page: int,
    size: int,
    now: datetime,
) -> QueuePage:
    """One page of the tab, over the cases `principal` sees; a page past the end shows the last."""
    filters = _filters(tab, staff_id=staff_id, unit_code=unit_code)
    working = Case.status.not_in(FINISHED_STATUSES)
    total = await session.scalar(
        filtered(select(func.count(Case.id)), principal=principal, filters=filters, now=now).where(working)
    )
    total = total or 0
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    next_due = (
        select(func.min(Deadline.due_at))
        .where(Deadline.case_id == Case.id, Deadline.state.in_(TICKING), Deadline.met_at.is_(None))
        .correlate(Case)
        .scalar_subquery()
        .label("next_due")
    )
    query = (
        filtered(select(Case, next_due), principal=principal, filters=filters, now=now)
        .where(working)
        .order_by(next_due.asc().nulls_last(), Case.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    rows = [
        QueueRow(
            case_number=case.case_number,
            status=Status(case.status),
            severity=Severity(case.severity),
            business_type=case.business_type,
            unit=case.unit_code,
            assignee=case.assignee_staff_id,
            next_due=due,
            remaining_seconds=int((due - now).total_seconds()) if due is not None else None,
        )
        for case, due in await session.execute(query)
    ]
    return QueuePage(rows=rows, page=page, pages=pages, total=total)

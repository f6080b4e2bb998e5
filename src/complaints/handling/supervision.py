"""Supervisors' bulk views: how many cases stand in each status, and how many need attention."""

from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case
from complaints.domain.vocabulary import Status
from complaints.handling.case_reads import CaseFilters, filtered
from complaints.schemas.supervision import CaseCounts
from complaints.security.api_keys import Principal


async def count_cases(
    session: AsyncSession, *, principal: Principal, filters: CaseFilters, now: datetime
) -> CaseCounts:
    """Counts over the cases the principal sees and the filters select (the list's filters)."""

    async def count(narrowed: CaseFilters) -> int:
        query = filtered(select(func.count(Case.id)), principal=principal, filters=narrowed, now=now)
        return await session.scalar(query) or 0

    by_status = {status: 0 for status in Status}
    rows = await session.execute(
        filtered(
            select(Case.status, func.count(Case.id)), principal=principal, filters=filters, now=now
        ).group_by(Case.status)
    )
    for status, number in rows:
        by_status[Status(status)] = number
    return CaseCounts(
        total=sum(by_status.values()),
        by_status=by_status,
        overdue=await count(replace(filters, overdue=True)),
        about_to_breach=await count(replace(filters, about_to_breach=True)),
        unaccepted=await count(replace(filters, unaccepted=True)),
    )

"""Regulator statistics for a reporting period: counts per JR/T 0169-2018 code, nothing else.

Counts the cases received in the period (facts snapshot, report_facts.py), as the mapping
codes them; what happened to them since (resolved, on time, late, satisfied) is as of the
snapshot. Only codes and counts leave here: no case numbers, names or free text, so an export
cannot carry personal data.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Self
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.domain.regulator_codes import CodeMapping
from complaints.domain.regulator_periods import ReportingPeriod, reportable_period
from complaints.domain.vocabulary import BusinessChannel, BusinessType, Cause
from complaints.reports import facts as report_facts
from complaints.reports.facts import facts
from complaints.security.api_keys import Principal


@dataclass(frozen=True)
class ExportCounts:
    received: int = 0
    resolved: int = 0
    on_time: int = 0
    late: int = 0
    satisfied: int = 0  # callbacks answered satisfied or basically satisfied

    def __add__(self, other: "ExportCounts") -> Self:
        return type(self)(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Combination:
    channel: str  # A
    business_type: str  # B
    cause: str  # C
    counts: ExportCounts


@dataclass(frozen=True)
class RegulatorStatistics:
    period: ReportingPeriod
    mapping: CodeMapping
    timezone: ZoneInfo
    unit_code: str | None  # a unit-bound key's unit; None: the whole organisation
    snapshot_at: datetime | None  # None: the snapshot was never taken, so nothing is counted
    combinations: list[Combination]  # A×B×C, only those with cases, in code order
    # Code → counts, every code of the dimension, a parent including its descendants.
    totals: dict[str, dict[str, ExportCounts]]  # "A" | "B" | "C" → code → counts
    total: ExportCounts
    channel_defaulted: int  # cases whose A code is the default's: no rule matched
    unclassified: int  # cases without a business type or cause, counted as "other"


_HAS_BRANCH = facts.branch_code.is_not(None)


async def regulator_statistics(
    session: AsyncSession,
    *,
    label: str,
    principal: Principal,
    mapping: CodeMapping,
    timezone: ZoneInfo,
    now: datetime,
) -> RegulatorStatistics:
    period = reportable_period(label, today=now.astimezone(timezone).date())
    start, end = period.bounds(timezone)
    # One row per distinct input of the mapping, so the codes are derived in Python, once each.
    result = await session.execute(
        select(
            facts.business_type,
            facts.cause,
            facts.business_channel,
            _HAS_BRANCH.label("has_branch"),
            *report_facts.COUNTS,
        )
        .where(facts.received_at >= start, facts.received_at < end, report_facts.visible_to(principal))
        .group_by(facts.business_type, facts.cause, facts.business_channel, _HAS_BRANCH)
    )
    cells: defaultdict[tuple[str, str, str], ExportCounts] = defaultdict(ExportCounts)
    defaulted = unclassified = 0
    for row in result.all():
        business_type = BusinessType(row.business_type) if row.business_type else None
        cause = Cause(row.cause) if row.cause else None
        channel = BusinessChannel(row.business_channel) if row.business_channel else None
        codes = mapping.codes_of(
            business_type=business_type, cause=cause, has_branch=row.has_branch, business_channel=channel
        )
        counts = ExportCounts(row.volume, row.resolved, row.on_time, row.late, row.satisfied)
        cells[codes.channel, codes.business_type, codes.cause] += counts
        defaulted += row.volume if codes.channel_defaulted else 0
        unclassified += row.volume if business_type is None or cause is None else 0
    combinations = [Combination(a, b, c, counts) for (a, b, c), counts in sorted(cells.items())]
    return RegulatorStatistics(
        period=period,
        mapping=mapping,
        timezone=timezone,
        unit_code=principal.unit_code,
        snapshot_at=await report_facts.as_of(session),
        combinations=combinations,
        totals={letter: _rolled_up(mapping, letter, combinations) for letter in "ABC"},
        total=sum((c.counts for c in combinations), ExportCounts()),
        channel_defaulted=defaulted,
        unclassified=unclassified,
    )


def _rolled_up(mapping: CodeMapping, letter: str, combinations: list[Combination]) -> dict[str, ExportCounts]:
    totals = dict.fromkeys(mapping.dimension(letter), ExportCounts())
    for combination in combinations:
        code = {"A": combination.channel, "B": combination.business_type, "C": combination.cause}[letter]
        for ancestor in mapping.lineage(code):
            totals[ancestor] += combination.counts
    return totals

"""How often what happens in the demo bank's history (history.py): plausible shares of
channels, business types and their causes, severities and handling outcomes.

Invented, not measured: shaped after the campaign reports in seeds/ (cards and fees lead,
most complaints come by the hotline, most are closed on time and to satisfaction).
"""

import bisect
import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    Outcome,
    RefusalGround,
    Severity,
    Source,
    Verdict,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Values drawn in proportion to their weights."""

    values: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, table: Mapping[T, float]) -> "Weighted[T]":
        return cls(tuple(table), tuple(itertools.accumulate(table.values())))

    def draw(self, rng: random.Random) -> T:
        # What random.choices does for one value, without its per-call set-up.
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


CHANNELS = Weighted.of(
    {
        Channel.HOTLINE: 44,
        Channel.WEB: 11,
        Channel.APP: 10,
        Channel.WECHAT: 6,
        Channel.WALK_IN: 8,
        Channel.EMAIL: 4,
        Channel.SMS: 3,
        Channel.LETTER: 2,
        Channel.REGULATOR: 7,
        Channel.GOV_HOTLINE: 4,
        Channel.MEDIA: 0.5,
        Channel.FAX: 0.5,
    }
)
# Besides regulator referrals (channel regulator): passed down or over by someone else.
SOURCES = Weighted.of({Source.DIRECT: 94, Source.HEAD_OFFICE: 4, Source.DEPARTMENT: 2})

BUSINESS_TYPES = Weighted.of(
    {
        BusinessType.BANK_CARDS: 30,
        BusinessType.LOANS: 14,
        BusinessType.E_BANKING: 12,
        BusinessType.DEPOSITS: 11,
        BusinessType.PAYMENT: 10,
        BusinessType.WEALTH_MANAGEMENT: 8,
        BusinessType.CASH: 3,
        BusinessType.PERSONAL_INFORMATION: 3,
        BusinessType.OTHER: 9,
    }
)
_COMMON_CAUSES = {Cause.SERVICE: 20, Cause.RULES: 10, Cause.OTHER: 4}
CAUSES: Mapping[BusinessType, Weighted[Cause]] = {
    BusinessType.BANK_CARDS: Weighted.of(
        {
            Cause.FEES: 35,
            Cause.FUND_SECURITY: 10,
            Cause.MARKETING: 8,
            Cause.CONTRACT_TERMS: 6,
            **_COMMON_CAUSES,
        }
    ),
    BusinessType.LOANS: Weighted.of(
        {
            Cause.CONTRACT_TERMS: 18,
            Cause.FEES: 14,
            Cause.DISCLOSURE: 12,
            Cause.FREEDOM_OF_CHOICE: 6,
            **_COMMON_CAUSES,
        }
    ),
    BusinessType.E_BANKING: Weighted.of({Cause.FACILITIES: 40, Cause.FUND_SECURITY: 8, **_COMMON_CAUSES}),
    BusinessType.DEPOSITS: Weighted.of({Cause.FEES: 10, Cause.DISCLOSURE: 6, **_COMMON_CAUSES}),
    BusinessType.PAYMENT: Weighted.of(
        {Cause.FEES: 14, Cause.FACILITIES: 12, Cause.FUND_SECURITY: 8, **_COMMON_CAUSES}
    ),
    BusinessType.WEALTH_MANAGEMENT: Weighted.of(
        {Cause.MARKETING: 30, Cause.DISCLOSURE: 14, Cause.PRODUCT_RETURNS: 10, **_COMMON_CAUSES}
    ),
    BusinessType.CASH: Weighted.of({Cause.FACILITIES: 10, **_COMMON_CAUSES}),
    BusinessType.PERSONAL_INFORMATION: Weighted.of({Cause.INFORMATION_SECURITY: 30, **_COMMON_CAUSES}),
    BusinessType.OTHER: Weighted.of({Cause.SERVICE: 30, Cause.RULES: 10, Cause.OTHER: 20}),
}
# What the complainant says it is; the severity floors and rules raise it where they must.
SEVERITIES = Weighted.of(
    {Severity.GENERAL: 85, Severity.IMPORTANT: 11, Severity.URGENT: 3, Severity.MAJOR: 1}
)

OUTCOMES = Weighted.of(
    {
        Outcome.EXPLANATION: 45,
        Outcome.APOLOGY: 14,
        Outcome.COMPENSATION: 10,
        Outcome.PROCESS_FIX: 10,
        Outcome.SYSTEM_FIX: 5,
        Outcome.REJECTED: 16,
    }
)
VERDICTS = Weighted.of({Verdict.VALID: 40, Verdict.COMMUNICATION: 45, Verdict.UNFOUNDED: 15})
REFUSAL_GROUNDS = Weighted.of({ground: 1.0 for ground in RefusalGround})
# Complaints by local hour of the day: office hours, a lunch dip, an evening tail.
HOURS = Weighted.of(
    {
        hour: weight
        for hour, weight in enumerate(
            (1, 1, 0, 0, 0, 1, 2, 4, 8, 12, 12, 11, 7, 8, 11, 11, 10, 8, 6, 5, 4, 3, 2, 1)
        )
    }
)


@dataclass(frozen=True)
class Mix:
    """Shares of cases with each flag and each handling outcome."""

    repeat: float = 0.05  # the same complainant again while the first case is open
    group_start: float = 0.002  # a case that opens a group (5 to 12 near-identical cases)
    vip: float = 0.02
    media: float = 0.004
    confidential: float = 0.01
    named_branch: float = 0.3  # a branch named, besides walk-ins
    transferred: float = 0.05
    returned: float = 0.025
    late: float = 0.04  # resolved after the resolution deadline
    stuck: float = 0.005  # never resolved: still open, overdue
    withdrawn: float = 0.01
    refused: float = 0.005
    reopened: float = 0.015  # new facts after the proposal
    answered: float = 0.85  # callbacks the complainant answered
    dissatisfied: float = 0.06
    basically_satisfied: float = 0.14


MIX = Mix()


DETAILS: Sequence[str] = (
    "多次联系未得到解决",
    "希望尽快给出说法",
    "要求退还相关费用",
    "影响了正常生活",
    "工作人员解释不清",
    "已经等了很久",
)
DEMANDS: Sequence[str] = ("退还费用", "赔偿损失", "书面道歉", "尽快处理", "给出合理解释", "更正记录")

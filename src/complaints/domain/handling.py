"""Rules of case handling that are plain values in, plain values out (DOMAIN.md, "Routing and
escalation", "Deadlines"): the escalation ladder's order, who may approve an extension, when
rework and transfers call for consumer protection, the unaccepted-case ladder, and which cases
leadership must hear about at once.
"""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Final

from complaints.domain.vocabulary import EscalationLevel, Flag, Role, Severity

LADDER: Final[tuple[EscalationLevel, ...]] = tuple(EscalationLevel)

# 提级督办: redone this many times, or transferred this many times, and consumer protection
# takes over the supervision.
REWORK_LIMIT: Final = 3
TRANSFER_LIMIT: Final = 3

# The regulatory backstop (CBIRC 2020 No. 3): 15 days, complex cases to 30 with approval,
# especially complex ones to 60 with senior approval.
EXTENSION_APPROVERS: Final[dict[int, frozenset[Role]]] = {
    30: frozenset({Role.MANAGER, Role.CONSUMER_PROTECTION_HEAD, Role.LEADERSHIP}),
    60: frozenset({Role.CONSUMER_PROTECTION_HEAD, Role.LEADERSHIP}),
}

# Seed 001 (mall): an untouched case goes to the team lead after 15 minutes, the floor or
# department after 30, management after an hour.
DEFAULT_UNACCEPTED_MINUTES: Final = (15, 30, 60)

# Media involvement, group complaints and major severity are reported to leadership at once.
LEADERSHIP_FLAGS: Final = (Flag.MEDIA, Flag.GROUP)


def rank(level: EscalationLevel) -> int:
    return LADDER.index(level)


def higher(first: EscalationLevel, second: EscalationLevel) -> EscalationLevel:
    return first if rank(first) >= rank(second) else second


def may_approve_extension(role: Role, *, total_days: int) -> bool:
    """30 days: the unit manager or above; 60 days: the consumer-protection head or leadership."""
    return role in EXTENSION_APPROVERS.get(total_days, frozenset())


def needs_supervision(*, returns: int, transfers: int) -> str | None:
    """Why consumer protection must take over, or None: ≥3 rework rounds or ≥3 transfers."""
    if returns >= REWORK_LIMIT:
        return f"returned for rework {returns} times"
    if transfers >= TRANSFER_LIMIT:
        return f"transferred {transfers} times"
    return None


def check_ladder_minutes(minutes: Sequence[int]) -> tuple[int, ...]:
    """One strictly increasing, positive wait per rung above the handler."""
    values = tuple(minutes)
    if not values or len(values) > len(LADDER) - 1:
        raise ValueError(f"give 1 to {len(LADDER) - 1} waits in minutes, got {list(values)}")
    if values[0] <= 0 or any(b <= a for a, b in pairwise(values)):
        raise ValueError(f"waits must be positive and strictly increasing, got {list(values)}")
    return values


def unaccepted_steps_due(*, assigned_at: datetime, now: datetime, minutes: Sequence[int]) -> int:
    """How many rungs of the unaccepted-case ladder a case assigned at `assigned_at` has earned."""
    waited = now - assigned_at
    return sum(1 for wait in minutes if waited >= timedelta(minutes=wait))


def unaccepted_level(steps: int) -> EscalationLevel:
    """The rung reached after `steps` unaccepted waits: 1 → unit manager, 2 → CP head, 3 → leadership."""
    return LADDER[min(steps, len(LADDER) - 1)]


def leadership_alerts(*, flags: Collection[Flag], severity: Severity) -> list[str]:
    """Why leadership must be told at once (media, group, major), or nothing."""
    reasons = [flag.value for flag in LEADERSHIP_FLAGS if flag in flags]
    if severity == Severity.MAJOR:
        reasons.append(Severity.MAJOR.value)
    return reasons

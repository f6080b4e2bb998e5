"""The escalation ladder's rules, plain values in and out (DOMAIN.md, "Routing and
escalation"): its rungs and who sits on each, how a case climbs (never down), which rule
caused a climb, and the automatic rules that call for one:

- a case nobody accepts climbs after the configured waits (15/30/60 minutes);
- returned for rework or transferred three times → consumer protection supervises (提级督办);
- a dissatisfied callback → the unit manager;
- a breached clock whose policy says `escalate` → one rung up;
- media, group or major → leadership is told at once (an alert, not a climb).

`complaints.escalation.ladder` applies a climb to a case and records it.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Final

from complaints.domain.events import Escalation
from complaints.domain.rulebook import Person, Rulebook
from complaints.domain.vocabulary import DeadlineKind, EscalationLevel, Flag, Role, Severity

LADDER: Final[tuple[EscalationLevel, ...]] = tuple(EscalationLevel)

# 提级督办: redone this many times, or transferred this many times, and consumer protection
# takes over the supervision.
REWORK_LIMIT: Final = 3
TRANSFER_LIMIT: Final = 3

# Seed 001 (mall): an untouched case goes to the team lead after 15 minutes, the floor or
# department after 30, management after an hour.
DEFAULT_UNACCEPTED_MINUTES: Final = (15, 30, 60)

# Media involvement, group complaints and major severity are reported to leadership at once.
LEADERSHIP_FLAGS: Final = (Flag.MEDIA, Flag.GROUP)


class EscalationRule(StrEnum):
    """What caused a climb: the `rule` of every `escalated` event. The values are stored."""

    BY_HAND = "by_hand"  # a person escalated the case; the event's reason is theirs
    UNACCEPTED = "unaccepted"  # nobody accepted the assigned case within the ladder's waits
    SUPERVISION = "supervision"  # the third return or transfer: 提级督办
    DISSATISFIED_CALLBACK = "dissatisfied_callback"  # the complainant was dissatisfied at the callback
    BREACH = "breach"  # a breached clock; stored with the clock's kind, see `breach_rule`


def breach_rule(kind: DeadlineKind | str) -> str:
    """`breach:<clock kind>`: which clock's breach climbed the ladder."""
    return f"{EscalationRule.BREACH}:{kind}"


@dataclass(frozen=True)
class Climb:
    """One climb of the ladder: the rule behind it, the rungs, and who sits on the reached one."""

    rule: str
    from_level: EscalationLevel
    to_level: EscalationLevel
    to: Person | None

    def data(self) -> Escalation:
        """The `escalated` event's data."""
        return {
            "rule": self.rule,
            "from_level": self.from_level,
            "to_level": self.to_level,
            "to": self.to.staff_id if self.to else None,
        }


def rank(level: EscalationLevel) -> int:
    return LADDER.index(level)


def higher(first: EscalationLevel, second: EscalationLevel) -> EscalationLevel:
    return first if rank(first) >= rank(second) else second


def next_rung(level: EscalationLevel) -> EscalationLevel:
    """The rung above `level`; the top rung is its own next."""
    return LADDER[min(rank(level) + 1, len(LADDER) - 1)]


def target(level: EscalationLevel, *, unit_code: str | None, rulebook: Rulebook) -> Person | None:
    """Who sits on a rung: the case's unit manager, the consumer-protection head or leadership,
    the first available one (else the first configured); nobody for the handler's own rung."""
    if level == EscalationLevel.UNIT_MANAGER and unit_code:
        people = [p for p in rulebook.people_in(unit_code) if p.role == Role.MANAGER]
    elif level == EscalationLevel.CONSUMER_PROTECTION_HEAD:
        people = rulebook.with_role(Role.CONSUMER_PROTECTION_HEAD)
    elif level == EscalationLevel.LEADERSHIP:
        people = rulebook.with_role(Role.LEADERSHIP)
    else:
        people = []
    return next((p for p in people if p.available), people[0] if people else None)


def climb_to(
    current: EscalationLevel, level: EscalationLevel, *, rule: str, unit_code: str | None, rulebook: Rulebook
) -> Climb:
    """Up to `level`, never down: a case already above it stays where it is (and the climb
    still says who is on its rung)."""
    reached = higher(current, level)
    return Climb(rule, current, reached, target(reached, unit_code=unit_code, rulebook=rulebook))


def climb_one(
    current: EscalationLevel, *, rule: str, unit_code: str | None, rulebook: Rulebook
) -> Climb | None:
    """One rung up; None when the case is already at the top."""
    level = next_rung(current)
    if level == current:
        return None
    return climb_to(current, level, rule=rule, unit_code=unit_code, rulebook=rulebook)


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

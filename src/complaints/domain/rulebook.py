"""The organisation's rules as plain values: its people, its clocks, its routing rules.

Loaded from the applied configuration by complaints.configuration.rulebook; pure, so that
routing, assignment and clock planning are tested without a database.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from complaints.domain import routing
from complaints.domain.calendar import BusinessCalendar
from complaints.domain.classification import KeywordRules
from complaints.domain.deadlines import Period
from complaints.domain.vocabulary import BreachAction, DeadlineKind, Role, Severity

# What a breach sets off when the configuration says nothing.
DEFAULT_ON_BREACH = (BreachAction.ESCALATE, BreachAction.NOTIFY_MANAGER)

# The `kind` of the breach actions that apply to every clock without its own.
DEFAULT_BREACH_POLICY = "*"


@dataclass(frozen=True)
class Person:
    staff_id: str
    name: str
    unit_code: str
    role: Role
    contact: str | None
    available: bool


@dataclass(frozen=True)
class Clock:
    period: Period
    warn_at: tuple[float, ...]


@dataclass(frozen=True)
class Rulebook:
    version: int
    keywords: KeywordRules
    floors: tuple[routing.SeverityFloor, ...]
    rules: tuple[routing.RoutingRule, ...]
    default_unit: str
    units: Mapping[str, str]  # code → kind
    people: tuple[Person, ...]
    clocks: Mapping[tuple[DeadlineKind, Severity | None], Clock]
    calendar: BusinessCalendar
    # Per deadline kind, and DEFAULT_BREACH_POLICY for the rest.
    breach_actions: Mapping[str, tuple[BreachAction, ...]] = field(default_factory=dict)
    # Code → name, as complainants may write it (城东支行): branches are recognised in the text.
    unit_names: Mapping[str, str] = field(default_factory=dict)

    def clock(self, kind: DeadlineKind, severity: Severity) -> Clock | None:
        return self.clocks.get((kind, severity)) or self.clocks.get((kind, None))

    def on_breach(self, kind: DeadlineKind) -> tuple[BreachAction, ...]:
        """What a breach of this kind of clock sets off, in order."""
        found = self.breach_actions.get(kind, self.breach_actions.get(DEFAULT_BREACH_POLICY))
        return found if found is not None else DEFAULT_ON_BREACH

    def people_in(self, unit_code: str) -> list[Person]:
        return [p for p in self.people if p.unit_code == unit_code]

    def with_role(self, role: Role) -> list[Person]:
        return [p for p in self.people if p.role == role]

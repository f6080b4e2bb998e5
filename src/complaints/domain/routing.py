"""Routing as a pure function: severity floors, then the first matching rule, and why.

The rules are data (the `routing_rules` and `severity_floors` of the configuration file);
this module only evaluates them, so the routing worker and the tests share one code path.
"""

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from complaints.domain.vocabulary import (
    BusinessType,
    CardKind,
    Cause,
    Channel,
    Flag,
    Severity,
    Source,
)

DEFAULT_RULE = "default"


@dataclass(frozen=True)
class CaseFacts:
    """What routing may look at: the classified case, nothing else."""

    business_type: BusinessType | None
    cause: Cause | None
    severity: Severity
    flags: frozenset[Flag]
    channel: Channel
    source: Source
    branch_code: str | None
    # Which card a bank_cards case is about; None when not a card case or not known.
    card_kind: CardKind | None = None


def _values(items: Iterable[str]) -> str:
    return ", ".join(sorted(items))


@dataclass(frozen=True)
class Condition:
    """All given constraints must hold; an empty set (or `None`) constrains nothing."""

    flags_any: frozenset[Flag] = frozenset()
    business_types: frozenset[BusinessType] = frozenset()
    causes: frozenset[Cause] = frozenset()
    channels: frozenset[Channel] = frozenset()
    sources: frozenset[Source] = frozenset()
    severities: frozenset[Severity] = frozenset()
    # Credit cards go to the card centre, debit cards do not: a case whose card kind is not known
    # does not match a rule that names card kinds.
    card_kinds: frozenset[CardKind] = frozenset()
    # True: the case names a branch; False: it names none.
    branch_named: bool | None = None

    def matches(self, facts: CaseFacts) -> bool:
        if self.flags_any and not self.flags_any & facts.flags:
            return False
        if self.business_types and facts.business_type not in self.business_types:
            return False
        if self.causes and facts.cause not in self.causes:
            return False
        if self.channels and facts.channel not in self.channels:
            return False
        if self.sources and facts.source not in self.sources:
            return False
        if self.severities and facts.severity not in self.severities:
            return False
        if self.card_kinds and facts.card_kind not in self.card_kinds:
            return False
        return self.branch_named is None or self.branch_named == bool(facts.branch_code)

    def describe(self, facts: CaseFacts | None = None) -> str:
        """A short human reason, e.g. "flag media and business type bank_cards".

        With `facts`, name what actually matched (the flag that fired, the branch's code)
        rather than every alternative the condition allows.
        """
        parts: list[str] = []
        if self.flags_any:
            fired = self.flags_any & facts.flags if facts is not None else self.flags_any
            flags = fired or self.flags_any
            parts.append(f"flag {_values(flags)}" if len(flags) == 1 else f"flags {_values(flags)}")
        dimensions: list[tuple[str, frozenset[str], str | None]] = [
            ("business type", self.business_types, facts.business_type if facts else None),
            ("cause", self.causes, facts.cause if facts else None),
            ("channel", self.channels, facts.channel if facts else None),
            ("source", self.sources, facts.source if facts else None),
            ("severity", self.severities, facts.severity if facts else None),
            ("card", self.card_kinds, facts.card_kind if facts else None),
        ]
        for label, allowed, actual in dimensions:
            if not allowed:
                continue
            if actual is not None and actual in allowed:
                parts.append(f"{label} {actual}")
            elif len(allowed) == 1:
                parts.append(f"{label} {_values(allowed)}")
            else:
                parts.append(f"{label} one of {_values(allowed)}")
        if self.branch_named is True:
            named = facts.branch_code if facts is not None else None
            parts.append(f"names branch {named}" if named else "names a branch")
        elif self.branch_named is False:
            parts.append("names no branch")
        return " and ".join(parts) or "any case"


@dataclass(frozen=True)
class RoutingRule:
    """Send matching cases to `unit`, or (`to_named_branch`) to the branch the case names."""

    name: str
    when: Condition
    unit: str | None = None
    to_named_branch: bool = False
    min_severity: Severity | None = None

    def __post_init__(self) -> None:
        if (self.unit is None) == (not self.to_named_branch):
            raise ValueError(f"rule {self.name!r}: give exactly one of unit or to_named_branch")

    def target(self, facts: CaseFacts) -> str | None:
        return facts.branch_code if self.to_named_branch else self.unit


@dataclass(frozen=True)
class SeverityFloor:
    """Matching cases are at least `at_least` (e.g. repeat complaints are at least important)."""

    when: Condition
    at_least: Severity
    name: str


@dataclass(frozen=True)
class RoutingDecision:
    rule: str
    unit: str
    severity: Severity
    reason: str
    # Names of the floors that matched, in configuration order (for events and reports).
    floors: tuple[str, ...] = field(default=())


def route(
    facts: CaseFacts,
    *,
    rules: Sequence[RoutingRule],
    floors: Sequence[SeverityFloor],
    default_unit: str,
    known_units: Collection[str],
) -> RoutingDecision:
    """Apply every matching severity floor, then the first matching rule.

    Floors are matched against the case as classified, so their order does not matter; rules
    then see the raised severity. Severity only ever rises. A rule whose target is not a known
    unit (a branch code nobody configured, a unit since removed) does not match: the case falls
    through to later rules and finally to `default_unit`, never to a unit that does not exist.
    """
    severity = facts.severity
    floor_notes: list[str] = []
    applied: list[str] = []
    for floor in floors:
        if floor.when.matches(facts):
            severity = severity.at_least(floor.at_least)
            applied.append(floor.name)
            floor_notes.append(
                f"floor {floor.name} ({floor.when.describe(facts)}): at least {floor.at_least}"
            )
    floored = dataclasses.replace(facts, severity=severity)

    skipped: list[str] = []
    for rule in rules:
        if not rule.when.matches(floored):
            continue
        unit = rule.target(floored)
        if unit is None or unit not in known_units:
            skipped.append(f"skipped rule {rule.name}: {unit or 'no unit'} is not a known unit")
            continue
        severity_notes = list(floor_notes)
        if rule.min_severity is not None:
            severity = severity.at_least(rule.min_severity)
            severity_notes.append(f"rule minimum {rule.min_severity}")
        match = f"rule {rule.name} ({rule.when.describe(floored)}) → {unit}"
        return RoutingDecision(
            rule=rule.name,
            unit=unit,
            severity=severity,
            reason=_reason(match, skipped, facts.severity, severity, severity_notes),
            floors=tuple(applied),
        )

    match = f"no rule matched → default unit {default_unit}"
    return RoutingDecision(
        rule=DEFAULT_RULE,
        unit=default_unit,
        severity=severity,
        reason=_reason(match, skipped, facts.severity, severity, floor_notes),
        floors=tuple(applied),
    )


def _reason(
    match: str,
    skipped: list[str],
    given: Severity,
    final: Severity,
    notes: list[str],
) -> str:
    severity = f"severity {final}" if final == given else f"severity {final} (was {given})"
    if notes:
        severity += ": " + "; ".join(notes)
    return "; ".join([match, *skipped, severity])

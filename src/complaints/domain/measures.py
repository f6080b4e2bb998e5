"""The measures complaint managers live by (DOMAIN.md "Measures"; defined in docs/measures.md).

Plain values in, plain values out: the report service counts, this module turns counts into
rates, judges them against their targets, and orders causes into a Pareto.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Measure(StrEnum):
    TIMELINESS = "timeliness"
    FIRST_CONTACT_RESOLUTION = "first_contact_resolution"
    SATISFACTION = "satisfaction"
    RECURRENCE = "recurrence"
    REWORK = "rework"


class Comparison(StrEnum):
    AT_LEAST = "at_least"  # a floor: the rate must reach the target
    BELOW = "below"  # a ceiling: the rate must stay under it


# Recurrence is the only ceiling among the targeted measures; rework has no target.
COMPARISONS = {
    Measure.TIMELINESS: Comparison.AT_LEAST,
    Measure.FIRST_CONTACT_RESOLUTION: Comparison.AT_LEAST,
    Measure.SATISFACTION: Comparison.AT_LEAST,
    Measure.RECURRENCE: Comparison.BELOW,
    Measure.REWORK: Comparison.BELOW,
}


@dataclass(frozen=True)
class Counts:
    """What the report service counts over a set of cases (one row of facts per case)."""

    volume: int = 0
    on_time: int = 0
    late: int = 0
    resolved: int = 0
    first_contact: int = 0
    answered: int = 0
    satisfied: int = 0
    repeats: int = 0
    reworked: int = 0
    transfers: int = 0

    def ratio(self, measure: Measure) -> tuple[int, int]:
        """(numerator, denominator) of a measure."""
        match measure:
            case Measure.TIMELINESS:
                return self.on_time, self.on_time + self.late
            case Measure.FIRST_CONTACT_RESOLUTION:
                return self.first_contact, self.resolved
            case Measure.SATISFACTION:
                return self.satisfied, self.answered
            case Measure.RECURRENCE:
                return self.repeats, self.volume
            case Measure.REWORK:
                return self.reworked, self.resolved


def rate(numerator: int, denominator: int) -> float | None:
    """None when nothing was there to measure: 0 of 0 is no evidence, not 0 % or 100 %."""
    return numerator / denominator if denominator else None


def meets(value: float | None, *, target: float | None, comparison: Comparison) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if comparison is Comparison.AT_LEAST else value < target


def per_10k(volume: int, customers: int | None) -> float | None:
    return volume * 10_000 / customers if customers else None


@dataclass(frozen=True)
class ParetoRow:
    key: str
    count: int
    share: float
    cumulative_share: float
    # The "vital few": the causes that together make up the first 80 % of complaints
    # (the cause that crosses 80 % is one of them).
    vital: bool


VITAL_SHARE = 0.8


def pareto(counts: Mapping[str, int]) -> list[ParetoRow]:
    """Causes by count, largest first (ties by name, so the order is stable)."""
    total = sum(counts.values())
    rows: list[ParetoRow] = []
    cumulative = 0
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count <= 0:
            continue
        before = cumulative / total
        cumulative += count
        rows.append(
            ParetoRow(
                key=key,
                count=count,
                share=count / total,
                cumulative_share=cumulative / total,
                vital=before < VITAL_SHARE,
            )
        )
    return rows


def clusters(links: Sequence[tuple[int, int]]) -> list[frozenset[int]]:
    """Connected groups of linked cases (a repeat of a repeat is one cluster), largest first."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        parent[root(a)] = root(b)
    members: dict[int, set[int]] = {}
    for node in list(parent):
        members.setdefault(root(node), set()).add(node)
    found = [frozenset(group) for group in members.values() if len(group) > 1]
    return sorted(found, key=lambda group: (-len(group), min(group)))

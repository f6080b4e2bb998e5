"""How sure the routing can be: the probability that a reading's answers lead to the right unit.

A reading can be unsure of its cause and still sure of the unit (service or rules of a deposit go
to the same place), or fairly sure of each answer and unsure of the unit (a card complaint whose
card kind is a coin toss). So the routing's own confidence is the blended probability of every
combination of business type, cause and card kind (each question's few likeliest answers) that
routes to the same unit as the reading's answers. `unit_of` is the caller's routing (the pure
`route()` over the case's other facts); the understanding core knows no bank's rules.

Cross-validation on the training corpus (bench/classification_cv.py): below 0.7, about one case
in eight, the rest route right 95 % of the time; a threshold on the business type alone needs to
send a quarter of the cases to triage for the same.
"""

import dataclasses
import itertools
from collections.abc import Callable, Mapping

from complaints.domain.understanding.reader import Understanding
from complaints.domain.vocabulary import BusinessType, CardKind, Cause

UNIT_CONFIDENCE_THRESHOLD = 0.7

UnitOf = Callable[[Understanding], str]


def _likeliest(distribution: Mapping[str, float], top: int) -> list[tuple[str, float]]:
    return sorted(distribution.items(), key=lambda item: (-item[1], item[0]))[:top]


def unit_confidence(reading: Understanding, *, unit_of: UnitOf, top: int = 4) -> float:
    """The probability mass of the answers that route where `reading` routes (0 when unread)."""
    types = reading.distributions.get("business type")
    causes = reading.distributions.get("cause")
    if not types or not causes:
        return 0.0
    unit = unit_of(reading)
    cards = reading.distributions.get("card") or {"credit": 0.5, "debit": 0.5}
    same = total = 0.0
    for (business_type, p_type), (cause, p_cause) in itertools.product(
        _likeliest(types, top), _likeliest(causes, top)
    ):
        kinds: list[tuple[str | None, float]] = [(None, 1.0)]
        if business_type == BusinessType.BANK_CARDS:
            kinds = list(_likeliest(cards, 2))
        for card, p_card in kinds:
            variant = dataclasses.replace(
                reading,
                business_type=BusinessType(business_type),
                cause=Cause(cause),
                card=CardKind(card) if card is not None else None,
            )
            weight = p_type * p_cause * p_card
            total += weight
            if unit_of(variant) == unit:
                same += weight
    return same / total if total > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class RoutingVerdict:
    """Where a reading routes, how sure that is, and whether a person must place it instead."""

    unit: str
    confidence: float
    needs_triage: bool
    triage_reasons: tuple[str, ...]


def routing_verdict(
    reading: Understanding, *, unit_of: UnitOf, threshold: float = UNIT_CONFIDENCE_THRESHOLD
) -> RoutingVerdict:
    """The reading's own doubts plus the routing's: below `threshold`, the case goes to triage."""
    unit = unit_of(reading)
    confidence = unit_confidence(reading, unit_of=unit_of)
    reasons = list(reading.triage_reasons)
    if confidence < threshold and reading.distributions:
        reasons.append(f"unit {unit}: confidence {confidence:.2f} below {threshold:.2f}")
    return RoutingVerdict(
        unit=unit, confidence=round(confidence, 4), needs_triage=bool(reasons), triage_reasons=tuple(reasons)
    )

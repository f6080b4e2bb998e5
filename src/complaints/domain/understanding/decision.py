"""One answer per question from two voices: the lexicon's weighted terms and the model.

Each category's score is the model's log-probability plus `lexicon_weight` × log(1 + the
category's weighted term count). The best category wins; its share of the blended probability
is the confidence. Without a model (none trained, a damaged file) the lexicon decides alone and
the confidence is capped, so such cases go to triage. A tie, or a confidence below the
threshold, is reported as such, never turned into a silent default.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from complaints.domain.understanding.document import Document

# Chosen by cross-validation (bench/classification_cv.py).
LEXICON_WEIGHT = 1.0
# Without the model the lexicon's answer is never confident enough to skip triage.
RULES_ONLY_CONFIDENCE_CAP = 0.5
# Two categories closer than this in blended probability are a tie.
TIE_MARGIN = 0.02
# A term whose weighted count is below this is left out of the explanation.
DECIDING_TERM = 0.5


@dataclass(frozen=True)
class Scored:
    category: str | None
    confidence: float
    tie: bool
    # The category's deciding terms (with their weighted counts) and the model's probability of it.
    terms: tuple[tuple[str, float], ...] = ()
    model_probability: float | None = None
    probabilities: Mapping[str, float] | None = None


def lexicon_scores(
    document: Document, table: Mapping[str, Mapping[str, float]]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Per category: the weighted term count, and which terms made it (term → weighted count)."""
    scores = dict.fromkeys(table, 0.0)
    terms: dict[str, dict[str, float]] = {category: {} for category in table}
    for hit in document.hits:
        where = document.weight(hit.start)
        for category, weights in table.items():
            weight = weights.get(hit.term)
            if weight is not None:
                scores[category] += weight * where
                terms[category][hit.term] = terms[category].get(hit.term, 0.0) + weight * where
    return scores, terms


def decide(
    *,
    lexicon: Mapping[str, float],
    lexicon_terms: Mapping[str, Mapping[str, float]],
    model: Mapping[str, float] | None,
    lexicon_weight: float = LEXICON_WEIGHT,
) -> Scored:
    categories = list(model) if model is not None else [c for c in lexicon if lexicon[c] > 0]
    if not categories:
        return Scored(category=None, confidence=0.0, tie=False)
    logits = {}
    for category in categories:
        prior = math.log(max(model[category], 1e-9)) if model is not None else 0.0
        logits[category] = prior + lexicon_weight * math.log1p(lexicon.get(category, 0.0))
    top = max(logits.values())
    exp = {c: math.exp(v - top) for c, v in logits.items()}
    total = sum(exp.values())
    blended = {c: v / total for c, v in exp.items()}
    ranked = sorted(blended, key=lambda c: (-blended[c], c))
    best = ranked[0]
    confidence = blended[best]
    tie = len(ranked) > 1 and confidence - blended[ranked[1]] < TIE_MARGIN
    if model is None:
        confidence = min(confidence, RULES_ONLY_CONFIDENCE_CAP)
    terms = sorted(lexicon_terms.get(best, {}).items(), key=lambda item: (-item[1], item[0]))
    # A term in a discounted clause (an earlier matter, a denial) is not what decided it.
    terms = [term for term in terms if term[1] >= DECIDING_TERM] or terms[:1]
    return Scored(
        category=best,
        confidence=confidence,
        tie=tie,
        terms=tuple(terms[:5]),
        model_probability=model.get(best) if model is not None else None,
        probabilities=blended,
    )

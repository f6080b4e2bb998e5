"""The one entry point: read a complaint and say what it is about, how sure, and why.

Build a `Reader` once per process (the dictionaries, the homophone table and the model take about
a second and a few tens of MB) and call `read()` for every complaint; it never raises on what a
complainant can write (empty, emoji, another language, 20,000 characters): such text comes back
unclassified with `needs_triage` and the reason.
"""

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import TypeVar

from complaints.domain.understanding.branches import BranchDirectory
from complaints.domain.understanding.decision import LEXICON_WEIGHT, Scored, decide, lexicon_scores
from complaints.domain.understanding.document import Analyser, Document, build_analyser
from complaints.domain.understanding.features import features
from complaints.domain.understanding.flags import LEARNED_THRESHOLD, detect_flags
from complaints.domain.understanding.model import Model, Vector
from complaints.domain.understanding.training import LEARNED_FLAGS, flag_head
from complaints.domain.vocabulary import BusinessChannel, BusinessType, CardKind, Cause, Flag


@dataclass(frozen=True)
class Tuning:
    """The numbers cross-validation on the training corpus chose (bench/classification_cv.py).

    Below these confidences an answer is little better than a guess and the case needs triage.
    They are low on purpose: whether an unsure answer matters is the routing's question, which
    unit_confidence.py answers (an unsure cause between two that route alike does not)."""

    business_type: float = 0.3
    cause: float = 0.1
    card: float = 0.5
    learned_flag: float = LEARNED_THRESHOLD
    lexicon_weight: float = LEXICON_WEIGHT


@dataclass(frozen=True)
class Understanding:
    business_type: BusinessType | None
    cause: Cause | None
    card: CardKind | None
    business_channel: BusinessChannel | None
    flags: frozenset[Flag]
    named_branch: str | None
    # The least confident of the answers routing depends on (business type, cause, card kind).
    confidence: float
    needs_triage: bool
    triage_reasons: tuple[str, ...]
    # Plain-words reasons, e.g. "business type loans ← 房贷, 月供 (model 0.93)".
    evidence: tuple[str, ...]
    flag_evidence: Mapping[Flag, tuple[str, ...]] = field(default_factory=dict)
    model_version: str | None = None
    # Each answer's own confidence: "business type", "cause" and, for card complaints, "card".
    confidences: Mapping[str, float] = field(default_factory=dict)
    # The same questions' blended probability of every category (a given answer: 1.0 for it).
    distributions: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def explanation(self) -> str:
        return "; ".join(self.evidence)


_Answer = TypeVar("_Answer", BusinessType, Cause, CardKind, BusinessChannel)


def _plain(feature: str) -> str:
    return feature.split(":", 1)[-1]


class Reader:
    def __init__(
        self,
        *,
        analyser: Analyser,
        model: Model | None,
        branches: Mapping[str, str] = {},
        tuning: Tuning = Tuning(),
    ) -> None:
        self.analyser = analyser
        self.model = model
        self.branches = BranchDirectory(branches)
        self.tuning = tuning
        self._ngrams: tuple[int, int] = (1, 2)
        if model is not None:
            low, high = model.parameters.get("char_ngrams", (1, 2))
            self._ngrams = (int(low), int(high))

    @classmethod
    def build(cls, *, model: Model | None, branches: Mapping[str, str] = {}) -> "Reader":
        """The shipped text pipeline with `model` (None: the lexicon alone, every case to triage)."""
        return cls(analyser=build_analyser(), model=model, branches=branches)

    @property
    def model_version(self) -> str | None:
        return self.model.version if self.model is not None else None

    def read(
        self,
        text: str,
        *,
        demand: str | None = None,
        business_type: BusinessType | None = None,
        cause: Cause | None = None,
        card: CardKind | None = None,
        flags: Set[Flag] = frozenset(),
    ) -> Understanding:
        """What `text` (and the separate `demand`) is about. A submitter's answer (business_type,
        cause, card, flags) is taken as given and beats the text; flags add up."""
        document = self.analyser.read(text or "", demand=demand)
        return self.understand(document, business_type=business_type, cause=cause, card=card, flags=flags)

    def understand(
        self,
        document: Document,
        *,
        business_type: BusinessType | None = None,
        cause: Cause | None = None,
        card: CardKind | None = None,
        flags: Set[Flag] = frozenset(),
    ) -> Understanding:
        """`read` for a document already analysed (by this reader's analyser)."""
        if not document.readable:
            return self._unreadable(document, business_type, cause, card, flags)
        vector = self.model.vector(features(document, char_ngrams=self._ngrams)) if self.model else None
        answers = (
            self.model.all_probabilities(vector) if self.model is not None and vector is not None else {}
        )

        def ask(head: str, table: str) -> Scored:
            probabilities = answers.get(head)
            scores, terms = lexicon_scores(document, self.analyser.lexicon.tables[table])
            return decide(
                lexicon=scores,
                lexicon_terms=terms,
                model=probabilities,
                lexicon_weight=self.tuning.lexicon_weight,
            )

        evidence: list[str] = [f"heard {r.heard} as {r.term}" for r in document.repairs]
        reasons: list[str] = []
        confidences: dict[str, float] = {}
        distributions: dict[str, Mapping[str, float]] = {}

        def weighed(head: str, category: object) -> tuple[str, ...]:
            """The words that pushed the model hardest towards `category`, for the explanation."""
            if self.model is None or vector is None or head not in self.model.heads or category is None:
                return ()
            pushed = self.model.contributions(head, str(category), vector, top=8)
            # Words and two-character n-grams say something to a reader; single characters do not.
            words = [_plain(c.feature) for c in pushed if len(_plain(c.feature)) > 1]
            return tuple(dict.fromkeys(words))[:4]

        found_type = self._answer(business_type, ask("business_type", "business_types"), BusinessType)
        found_cause = self._answer(cause, ask("cause", "causes"), Cause)
        for name, head, (value, scored, threshold) in (
            ("business type", "business_type", (*found_type, self.tuning.business_type)),
            ("cause", "cause", (*found_cause, self.tuning.cause)),
        ):
            confidences[name] = scored.confidence
            distributions[name] = _distribution(value, scored)
            given = (
                value is not None and scored.model_probability is None and scored.terms == (("given", 1.0),)
            )
            evidence.append(_because(name, value, scored, () if given else weighed(head, value)))
            reasons += _doubts(name, value, scored, threshold)

        found_card: CardKind | None = None
        if found_type[0] is BusinessType.BANK_CARDS:
            found_card, scored = self._answer(card, ask("card", "card_kinds"), CardKind)
            confidences["card"] = scored.confidence
            distributions["card"] = _distribution(found_card, scored)
            evidence.append(_because("card", found_card, scored))
            reasons += _doubts("card", found_card, scored, self.tuning.card)
        channel, scored = self._answer(None, ask("business_channel", "business_channels"), BusinessChannel)
        evidence.append(_because("business channel", channel, scored))

        learned = self._learned(vector, answers)
        detected = detect_flags(document, learned=learned, threshold=self.tuning.learned_flag)
        flag_evidence = {flag: d.evidence for flag, d in detected.items()}
        for flag in sorted(detected):
            evidence.append(f"flag {flag} ← {', '.join(detected[flag].evidence)}")
        named = self.branches.find(document) if self.branches else None
        if named is not None:
            evidence.append(f"names branch {named.code} ← {named.words}")
        if document.truncated:
            reasons.append("text too long: only its beginning was read")
        if self.model is None:
            reasons.append("no model: the lexicon alone decided")
        confidence = min(confidences.values()) if confidences else 0.0
        return Understanding(
            business_type=found_type[0],
            cause=found_cause[0],
            card=found_card,
            business_channel=channel,
            flags=frozenset(detected) | frozenset(flags),
            named_branch=named.code if named is not None else None,
            confidence=round(confidence, 4),
            confidences={name: round(value, 4) for name, value in confidences.items()},
            distributions=distributions,
            needs_triage=bool(reasons),
            triage_reasons=tuple(reasons),
            evidence=tuple(evidence),
            flag_evidence=flag_evidence,
            model_version=self.model_version,
        )

    @staticmethod
    def _answer(given: _Answer | None, scored: Scored, kind: type[_Answer]) -> tuple[_Answer | None, Scored]:
        if given is not None:
            return given, Scored(category=str(given), confidence=1.0, tie=False, terms=(("given", 1.0),))
        if scored.category is None:
            return None, scored
        return kind(scored.category), scored

    def _learned(
        self, vector: Vector | None, answers: Mapping[str, Mapping[str, float]]
    ) -> dict[Flag, tuple[float, tuple[str, ...]]] | None:
        if self.model is None or vector is None:
            return None
        learned: dict[Flag, tuple[float, tuple[str, ...]]] = {}
        for flag in LEARNED_FLAGS:
            head = flag_head(flag)
            if head in self.model.heads:
                probability = answers[head]["yes"]
                words: tuple[str, ...] = ()
                if probability >= self.tuning.learned_flag:
                    pushed = self.model.contributions(head, "yes", vector, top=3)
                    words = tuple(_plain(c.feature) for c in pushed)
                learned[flag] = (probability, words)
        return learned

    def _unreadable(
        self,
        document: Document,
        business_type: BusinessType | None,
        cause: Cause | None,
        card: CardKind | None,
        flags: Set[Flag],
    ) -> Understanding:
        reason = "empty text" if not document.text.strip() else "no Chinese or English words to read"
        return Understanding(
            business_type=business_type,
            cause=cause,
            card=card,
            business_channel=None,
            flags=frozenset(flags),
            named_branch=None,
            confidence=0.0,
            needs_triage=True,
            triage_reasons=(reason,),
            evidence=(reason,),
            model_version=self.model_version,
        )


def _distribution(value: object, scored: Scored) -> Mapping[str, float]:
    if scored.probabilities is not None and scored.terms != (("given", 1.0),):
        return scored.probabilities
    return {str(value): 1.0} if value is not None else {}


def _because(name: str, value: object, scored: Scored, model_words: tuple[str, ...] = ()) -> str:
    if value is None:
        return f"{name}: nothing to go on"
    terms = ", ".join(term for term, _ in scored.terms) or "no lexicon term"
    model = ""
    if scored.model_probability is not None:
        on = f" on {', '.join(model_words)}" if model_words else ""
        model = f"model {scored.model_probability:.2f}{on}; "
    return f"{name} {value} ← {terms} ({model}confidence {scored.confidence:.2f})"


def _doubts(name: str, value: object, scored: Scored, threshold: float) -> list[str]:
    if value is None:
        return [f"{name}: no answer"]
    if scored.tie:
        return [f"{name}: a tie"]
    if scored.confidence < threshold:
        return [f"{name}: confidence {scored.confidence:.2f} below {threshold:.2f}"]
    return []

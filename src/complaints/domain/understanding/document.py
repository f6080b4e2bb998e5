"""A complaint read once: normalised, repaired, segmented, weighted, with its lexicon terms.

Every later step (the lexicon scores, the model's features, the flag detectors, the branch and
channel readers) works on this one object, so they agree on what the text says and where.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from complaints.domain.understanding.homophones import HomophoneRepair, Repair
from complaints.domain.understanding.lexicon import Lexicon, TermHit, shipped_lexicon
from complaints.domain.understanding.normalise import Normaliser, Script, script_of
from complaints.domain.understanding.segmentation import (
    DEFAULT_HMM,
    DEFAULT_MIN_WORD_FREQUENCY,
    Segmenter,
    Token,
    shipped_banking_terms,
)
from complaints.domain.understanding.sentences import Clause, clauses

# Text beyond this is not read: a 20,000-character paste is not a complaint we can classify
# with confidence, and reading all of it would hold up the cases behind it.
MAX_CHARS = 5000
# A denied term ("不是信用卡", "没有被盗刷", "not my credit card") counts this much (with the
# clause weights of sentences.py, by cross-validation).
NEGATED = 0.1
# How many words after a negator it governs, unless a conjunction ends it first.
NEGATION_SCOPE = 4
_NEGATORS = frozenset({"不是", "并非", "并不是", "不属于", "无关", "not", "isn't", "wasn't", "never"})
# 没有/没 deny a topic only before a passive (没有被盗刷); before a verb they are the complaint
# itself (钱没到账, 没收到短信), which must keep its weight.
_PASSIVE_NEGATORS = frozenset({"没有", "没", "并没有", "从没", "从来没"})
_SCOPE_ENDS = frozenset(
    {"就", "却", "但", "但是", "而", "而是", "还", "反而", "结果", "可是", "是", "可", "but"}
)
_RHETORICAL = re.compile(r"吗|么|\?")


@dataclass(frozen=True)
class Document:
    text: str  # normalised and repaired; the demand follows the text after a line break
    demand_from: int | None
    tokens: list[Token]
    clauses: list[Clause]
    char_weights: list[float]
    hits: list[TermHit]
    repairs: list[Repair]
    script: Script
    truncated: bool

    @property
    def readable(self) -> bool:
        return self.script.readable

    def weight(self, position: int) -> float:
        return self.char_weights[position] if 0 <= position < len(self.char_weights) else 1.0

    def words(self) -> list[tuple[str, float]]:
        """Each word with the weight of where it stands (punctuation and spaces left out)."""
        return [
            (t.text, self.char_weights[t.start]) for t in self.tokens if t.text.strip() and _is_word(t.text)
        ]


def _is_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


class Analyser:
    """Normaliser, segmenter, repair and lexicon, built once per process and shared."""

    def __init__(
        self, *, normaliser: Normaliser, segmenter: Segmenter, repair: HomophoneRepair, lexicon: Lexicon
    ) -> None:
        self.normaliser = normaliser
        self.segmenter = segmenter
        self.repair = repair
        self.lexicon = lexicon

    def read(self, text: str, *, demand: str | None = None) -> Document:
        body = self.normaliser.normalise(text)
        wish = self.normaliser.normalise(demand) if demand else ""
        truncated = len(body) + len(wish) > MAX_CHARS
        body = body[:MAX_CHARS]
        wish = wish[: max(MAX_CHARS - len(body), 0)]
        joined = f"{body}\n{wish}" if wish else body
        demand_from = len(body) + 1 if wish else None
        repaired, repairs = self.repair.repair(joined)
        tokens = self.segmenter.tokens(repaired)
        found = clauses(repaired, demand_from=demand_from)
        weights = _char_weights(repaired, found, tokens)
        return Document(
            text=repaired,
            demand_from=demand_from,
            tokens=tokens,
            clauses=found,
            char_weights=weights,
            hits=self.lexicon.find(repaired, tokens),
            repairs=repairs,
            script=script_of(repaired),
            truncated=truncated,
        )


def _char_weights(text: str, found: list[Clause], tokens: list[Token]) -> list[float]:
    weights = [1.0] * len(text)
    for clause in found:
        weights[clause.start : clause.end] = [clause.weight] * (clause.end - clause.start)
    scope = 0
    current = -1
    words = [t for t in tokens if t.text.strip()]
    ends = [clause.end for clause in found]
    for index, token in enumerate(words):
        at = bisect_right(ends, token.start)
        here = at if at < len(found) and found[at].start <= token.start else -1
        if here != current:
            scope, current = 0, here
        word = token.text.strip()
        following = words[index + 1].text if index + 1 < len(words) else ""
        if word in _NEGATORS or (word in _PASSIVE_NEGATORS and following.startswith("被")):
            rhetorical = (
                here >= 0 and _RHETORICAL.search(text, found[here].start, found[here].end) is not None
            )
            scope = 0 if rhetorical else NEGATION_SCOPE
            continue
        if word in _SCOPE_ENDS:
            scope = 0
        elif scope > 0 and _is_word(word):
            for position in range(token.start, token.end):
                weights[position] *= NEGATED
            scope -= 1
    return weights


def build_analyser(
    *,
    lexicon: Lexicon | None = None,
    min_word_frequency: int = DEFAULT_MIN_WORD_FREQUENCY,
    hmm: bool = DEFAULT_HMM,
    extra_words: Iterable[str] = (),
) -> Analyser:
    """The shipped pipeline; the lexicon's terms are also segmentation words, so they stay whole."""
    lexicon = lexicon or shipped_lexicon()
    segmenter = Segmenter(
        extra_words=[*sorted(lexicon.terms()), *extra_words], min_word_frequency=min_word_frequency, hmm=hmm
    )
    repair = HomophoneRepair(terms=[*lexicon.terms(), *shipped_banking_terms()], is_word=segmenter.is_word)
    return Analyser(normaliser=Normaliser(), segmenter=segmenter, repair=repair, lexicon=lexicon)

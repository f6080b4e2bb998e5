"""What the statistical model sees of a document: its words and character n-grams, weighted.

Words come from the segmentation (so 保险柜 is one feature, never 保险); character n-grams catch
what segmentation splits differently from one wording to the next, and typos it cannot repair.
N-grams stay inside runs of letters and digits (no spaces or punctuation in them). Each occurrence
counts with the weight of where it stands (sentences.py, document.py), so the model too hears the
subject louder than a passing mention, in training and in reading alike: an n-gram takes its
clause's weight, a word also its negation.
"""

import re
from collections import Counter, defaultdict

from complaints.domain.understanding.document import Document

WORD = "w:"  # words are prefixed; n-grams are not (they never contain the colon)
_RUN = re.compile(r"\w+")


def features(document: Document, *, char_ngrams: tuple[int, int] = (1, 2)) -> dict[str, float]:
    """Feature → summed weight of its occurrences."""
    low, high = char_ngrams
    text = document.text
    by_weight: dict[float, Counter[str]] = defaultdict(Counter)
    for clause in document.clauses:
        grams = by_weight[clause.weight]
        for run in _RUN.findall(text, clause.start, clause.end):
            for n in range(low, min(high, len(run)) + 1):
                grams.update(run[offset : offset + n] for offset in range(len(run) - n + 1))
    counts: dict[str, float] = {}
    # The common weight first, in one C-level update; the few weighted clauses add to it.
    for weight, grams in sorted(by_weight.items(), key=lambda item: -len(item[1])):
        if not counts:
            counts = {gram: count * weight for gram, count in grams.items()}
        else:
            for gram, count in grams.items():
                counts[gram] = counts.get(gram, 0.0) + count * weight
    for word, weight in document.words():
        key = WORD + word
        counts[key] = counts.get(key, 0.0) + weight
    return counts

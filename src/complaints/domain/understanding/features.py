"""What the statistical model sees of a document: its words and character n-grams, weighted.

Words come from the segmentation (so 保险柜 is one feature, never 保险); character n-grams catch
what segmentation splits differently from one wording to the next, and typos it cannot repair.
Each occurrence counts with the weight of the clause it stands in (sentences.py, document.py), so
the model too hears the subject louder than a passing mention, in training and in reading alike.
"""

from collections import defaultdict

from complaints.domain.understanding.document import Document

WORD = "w:"
CHARS = "c:"


def features(document: Document, *, char_ngrams: tuple[int, int] = (1, 2)) -> dict[str, float]:
    """Feature → summed weight of its occurrences."""
    counts: dict[str, float] = defaultdict(float)
    for word, weight in document.words():
        counts[WORD + word] += weight
    low, high = char_ngrams
    text, weights = document.text, document.char_weights
    for clause in document.clauses:
        span = text[clause.start : clause.end]
        for n in range(low, high + 1):
            for offset in range(len(span) - n + 1):
                gram = span[offset : offset + n]
                if gram.strip() == gram and any(c.isalnum() for c in gram):
                    counts[CHARS + gram] += weights[clause.start + offset]
    return dict(counts)

"""What the statistical model sees of a document: its words and character n-grams, weighted.

Words come from the segmentation (so 保险柜 is one feature, never 保险); character n-grams catch
what segmentation splits differently from one wording to the next, and typos it cannot repair.
Each occurrence counts with the weight of where it stands (sentences.py, document.py), so the
model too hears the subject louder than a passing mention, in training and in reading alike. The
n-grams of a clause take the clause's weight; the words also carry their negation.
"""

from collections import Counter, defaultdict

from complaints.domain.understanding.document import Document

WORD = "w:"
CHARS = "c:"


def features(document: Document, *, char_ngrams: tuple[int, int] = (1, 2)) -> dict[str, float]:
    """Feature → summed weight of its occurrences."""
    counts: dict[str, float] = defaultdict(float)
    for word, weight in document.words():
        counts[WORD + word] += weight
    low, high = char_ngrams
    text = document.text
    for clause in document.clauses:
        span = text[clause.start : clause.end]
        # Counter counts in C; spaces and punctuation-only n-grams are dropped after counting.
        grams: Counter[str] = Counter()
        for n in range(low, high + 1):
            grams.update(span[offset : offset + n] for offset in range(len(span) - n + 1))
        for gram, count in grams.items():
            if gram.strip() == gram and any(c.isalnum() for c in gram):
                counts[CHARS + gram] += count * clause.weight
    return dict(counts)

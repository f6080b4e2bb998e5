"""Near-identical complaint texts: a 64-bit SimHash over character bigrams.

Texts are reduced to their letters (Chinese characters and Latin letters, case-folded), so
spacing, punctuation, amounts, dates and card numbers do not tell two copies of one text
apart. Similar texts get fingerprints that differ in few bits (a small Hamming distance).
"""

import hashlib
import re
import unicodedata

BITS = 64
# Shorter texts ("退款", "投诉") are too generic to say two complainants wrote the same thing.
MIN_LETTERS = 8
_NOT_LETTER = re.compile(r"[^a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def letters(text: str) -> str:
    return _NOT_LETTER.sub("", unicodedata.normalize("NFKC", text).casefold())


def _feature_hash(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")


def simhash(text: str) -> int | None:
    """An unsigned 64-bit fingerprint, or None for a text too short to compare."""
    reduced = letters(text)
    if len(reduced) < MIN_LETTERS:
        return None
    weights = [0] * BITS
    for start in range(len(reduced) - 1):
        value = _feature_hash(reduced[start : start + 2])
        for bit in range(BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit, weight in enumerate(weights) if weight > 0)


def to_signed(value: int) -> int:
    """Postgres has no unsigned 64-bit integer: store the same bits as a signed bigint."""
    return value - (1 << BITS) if value >= 1 << (BITS - 1) else value


def distance(a: int, b: int) -> int:
    """Differing bits; works on the signed and the unsigned form alike."""
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()

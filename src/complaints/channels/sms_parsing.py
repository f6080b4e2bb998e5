"""SMS: joining a long message's parts, reading a satisfaction answer, splitting our replies."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from complaints.domain.vocabulary import Satisfaction

# One SMS part carries 70 Chinese characters (UCS-2); longer texts go out in several parts.
SMS_PART_CHARS = 70

# The answers a complainant texts back to "reply 1 satisfied, 2 basically satisfied, 3 not".
# Longer words first: "不满意" and "基本满意" both end in "满意".
_ANSWERS: tuple[tuple[str, Satisfaction], ...] = (
    ("非常不满意", Satisfaction.DISSATISFIED),
    ("很不满意", Satisfaction.DISSATISFIED),
    ("不太满意", Satisfaction.DISSATISFIED),
    ("不满意", Satisfaction.DISSATISFIED),
    ("不滿意", Satisfaction.DISSATISFIED),
    ("基本满意", Satisfaction.BASICALLY_SATISFIED),
    ("基本滿意", Satisfaction.BASICALLY_SATISFIED),
    ("比较满意", Satisfaction.BASICALLY_SATISFIED),
    ("还算满意", Satisfaction.BASICALLY_SATISFIED),
    ("非常满意", Satisfaction.SATISFIED),
    ("很满意", Satisfaction.SATISFIED),
    ("满意", Satisfaction.SATISFIED),
    ("滿意", Satisfaction.SATISFIED),
    ("dissatisfied", Satisfaction.DISSATISFIED),
    ("not satisfied", Satisfaction.DISSATISFIED),
    ("basically satisfied", Satisfaction.BASICALLY_SATISFIED),
    ("satisfied", Satisfaction.SATISFIED),
    ("1", Satisfaction.SATISFIED),
    ("2", Satisfaction.BASICALLY_SATISFIED),
    ("3", Satisfaction.DISSATISFIED),
)
_SEPARATORS = " \t\r\n,.;:!?，。；：！？、~-"
_SEPARATOR = re.compile(r"[\s,.;:!?，。；：！？、~\-]")


@dataclass(frozen=True)
class Part:
    number: int
    text: str


@dataclass(frozen=True)
class SatisfactionAnswer:
    satisfaction: Satisfaction
    # Whatever the complainant wrote after the answer ("3，钱还没退" → "钱还没退").
    remark: str | None


def join_parts(parts: Iterable[Part], *, total: int) -> str | None:
    """The whole text once parts 1..total are all there (in any order, repeats ignored)."""
    by_number = {part.number: part.text for part in parts}
    if any(number not in by_number for number in range(1, total + 1)):
        return None
    return "".join(by_number[number] for number in range(1, total + 1))


def parse_satisfaction(text: str) -> SatisfactionAnswer | None:
    """An answer only when the message is one: "1", "满意", "3，钱还没退" — the answer word,
    then nothing or a separator. A sentence that merely contains the word ("满意吗？",
    "12345") is not an answer."""
    normal = unicodedata.normalize("NFKC", text).strip().lower()
    for word, satisfaction in _ANSWERS:
        if not normal.startswith(word):
            continue
        rest = normal[len(word) :]
        if rest and not _SEPARATOR.match(rest[:1]):
            return None
        remark = rest.lstrip(_SEPARATORS).strip()
        return SatisfactionAnswer(satisfaction, remark or None)
    return None


def split_sms(text: str, *, limit: int = SMS_PART_CHARS) -> list[str]:
    """Parts of at most `limit` characters, broken after punctuation where one is near."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind(mark) for mark in "，。；、,;. ")
        cut = cut + 1 if cut >= limit // 2 else limit
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts

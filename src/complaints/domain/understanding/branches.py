"""Which configured branch the complaint's text names, if exactly one.

Branches are configured by code and name (BR-001 → 城东支行). Their short forms are derived: the
name without its kind (城东), followed by any word for an outlet (城东网点, 城东那个营业部, 城东的
支行, 城东区支行), or the name's pinyin before "branch" in English ("the Chengdong branch").
A bare short form ("我住城东") counts for less than one with an outlet word. A branch named in a
denied or earlier-settled clause counts for less too. Two branches named equally → none: a
guess would send the case to the wrong place, and the branch rule is only a fallback anyway.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.homophones import plain_pinyin

_KIND = re.compile(r"(?:支行|分行|营业部|分理处|营业厅|网点|储蓄所)$")
_OUTLET = (
    r"(?:区)?(?:那个|那家|这个|这家|的|那边的?|这边的?)?"
    r"(?:支行|分行|营业部|营业厅|分理处|网点|营业网点|储蓄所|银行)"
)
_ENGLISH_OUTLET = r"\s*(?:sub-?branch|branch|outlet|office)"
# A short form with an outlet word is a clear reference; a bare one ("城东") is half of one.
BARE = 0.5
# The winner must beat the runner-up by this factor, or the text names no one branch.
CLEAR_LEAD = 2.0


# A bare short form names our outlet only where the text speaks of banking there.
_BANKING_NEAR = re.compile(r"办|存|取|柜|大堂|经理|营业|网点|行里|排队|branch|teller|counter")


def _bank_context(text: str, words: str) -> bool:
    at = text.find(words)
    return at >= 0 and bool(_BANKING_NEAR.search(text, max(at - 12, 0), at + len(words) + 12))


@dataclass(frozen=True)
class NamedBranch:
    code: str
    words: str
    score: float


class BranchDirectory:
    """The configured branches and the patterns that find them in normalised text."""

    def __init__(
        self, branches: Mapping[str, str], *, english_names: Mapping[str, str] | None = None
    ) -> None:
        self._patterns: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]] = []
        for code, name in sorted(branches.items()):
            full = unicodedata.normalize("NFKC", name).casefold()
            core = _KIND.sub("", full) or full
            strong = re.compile(rf"{re.escape(full)}|{re.escape(core)}{_OUTLET}")
            english = (english_names or {}).get(code) or plain_pinyin(core)
            bare = re.compile(
                rf"{re.escape(core)}"
                + (rf"|(?<![a-z]){re.escape(english)}(?:{_ENGLISH_OUTLET})?(?![a-z])" if english else "")
            )
            self._patterns.append((code, strong, bare))

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def find(self, document: Document) -> NamedBranch | None:
        scores: dict[str, float] = {}
        words: dict[str, str] = {}
        strongly: set[str] = set()
        text = document.text
        for code, strong, bare in self._patterns:
            covered: set[int] = set()
            for match in strong.finditer(text):
                scores[code] = scores.get(code, 0.0) + document.weight(match.start())
                words.setdefault(code, match.group())
                covered.update(range(match.start(), match.end()))
                strongly.add(code)
            for match in bare.finditer(text) if bare else ():
                if match.start() not in covered:
                    scores[code] = scores.get(code, 0.0) + BARE * document.weight(match.start())
                    words.setdefault(code, match.group())
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        best_code, best = ranked[0]
        if len(ranked) > 1 and best < CLEAR_LEAD * ranked[1][1]:
            return None
        if best_code not in strongly and not _bank_context(text, words[best_code]):
            return None  # "城东幼儿园", "我住城东": a place, not our outlet
        return NamedBranch(code=best_code, words=words[best_code], score=best)

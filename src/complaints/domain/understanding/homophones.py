"""Repair of speech-to-text homophones of banking terms: 信用咔 → 信用卡, 鱼期 → 逾期, 理才 → 理财.

A window of the text is replaced by a known term when they sound alike (pinyin without tones, with
the fuzzy pairs an input method also confuses: zh/z, ch/c, sh/s, -ng/-n), differ in at most one
character in three, share at least one character, and the window is not a word of its own (信心 is
a word, not a typo of 信息) nor cuts through one (积金 inside 公积金, 分红显 across 分红显示).
The repaired text has the same length, so every position found later still points into it.

The pinyin comes from pypinyin's character table, read directly: importing pypinyin would also
load its phrase dictionary (about 40 MB) that this repair does not need. Only the characters that
sound like a character of some term are kept.
"""

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# Terms with a function character (差了, 气得, 扣了, 说是) are everyday phrases, not product words:
# "查了" is not a typo of "差了". Only content terms are repaired towards.
_FUNCTION = re.compile(r"[了的得地着过吗呢吧啊给就都也又在是有没不我你他她]")
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"))


def _fuzzy(syllable: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))
    for long, short in _FUZZY:
        if plain.startswith(long):
            plain = short + plain[len(long) :]
            break
    return plain[:-1] if plain.endswith("ng") else plain


def _pinyin_table() -> dict[str, str]:
    spec = find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return {chr(int(code)): readings for code, readings in loaded.items()}


def plain_pinyin(text: str) -> str | None:
    """城东 → "chengdong" (each character's first reading, no tones); None if a character has none."""
    table = _pinyin_table()
    syllables = [table.get(char, "").split(",")[0] for char in text]
    if not all(syllables):
        return None
    plain = "".join(syllables)
    return "".join(c for c in unicodedata.normalize("NFD", plain) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Repair:
    start: int
    heard: str
    term: str


class HomophoneRepair:
    """Every one-character homophone variant of every term, looked up window by window.

    Variants are made only of characters common enough to be in the segmentation dictionary
    (a speech recogniser writes common characters), which keeps the table at a few tens of
    thousands of entries and a lookup per window, instead of comparing pinyin at run time.
    """

    def __init__(self, *, terms: Iterable[str], is_word: Callable[[str], bool]) -> None:
        chosen = sorted({t for t in terms if 2 <= len(t) <= 6 and _HAN.match(t) and not _FUNCTION.search(t)})
        table = _pinyin_table()
        # A character is heard as its usual reading only (给 is gěi, not the rare jǐ of 给予).
        sounds: dict[str, set[str]] = {}
        for char, readings in table.items():
            if is_word(char):
                usual = readings.split(",")[0]
                if usual:
                    sounds.setdefault(_fuzzy(usual), set()).add(char)
        known = set(chosen)
        alike: dict[str, list[tuple[str, bool]]] = {}  # char → (sounds-alike char, same tone)
        for char in {c for t in chosen for c in t}:
            heard_as = {r for r in table.get(char, "").split(",") if r}
            others = set().union(*(sounds.get(_fuzzy(r), set()) for r in heard_as)) - {char}
            alike[char] = [(o, table.get(o, "").split(",")[0] in heard_as) for o in sorted(others)]
        del table, sounds
        # 鱼期 sounds like 逾期 and 预期: the term whose tones agree (yú, not yù) wins; a tie is dropped.
        # Per variant, the one term it may stand for with tones agreeing, and without (None: a tie).
        toned: dict[str, str | None] = {}
        toneless: dict[str, str | None] = {}
        for term in chosen:
            for index, char in enumerate(term):
                for other, same_tone in alike[char]:
                    variant = term[:index] + other + term[index + 1 :]
                    if variant in known or is_word(variant):
                        continue
                    found = toned if same_tone else toneless
                    found[variant] = term if found.get(variant, term) == term else None
        self._variants: dict[str, str] = {
            variant: term
            for variant, term in {**toneless, **toned}.items()
            if term is not None and (variant not in toned or toned[variant] is not None)
        }
        self._lengths: dict[str, tuple[int, ...]] = {}
        for variant in self._variants:
            self._lengths[variant[0]] = (*self._lengths.get(variant[0], ()), len(variant))
        self._lengths = {c: tuple(sorted(set(n), reverse=True)) for c, n in self._lengths.items()}
        self._is_word = is_word

    def __len__(self) -> int:
        return len(self._variants)

    def repair(self, text: str) -> tuple[str, list[Repair]]:
        """`text` with its homophones replaced, and what was replaced (same length as `text`)."""
        chars = list(text)
        repairs: list[Repair] = []
        position = 0
        lengths = self._lengths
        while position < len(text):
            if text[position] not in lengths:
                position += 1
                continue
            found = self._at(text, position)
            if found is None:
                position += 1
                continue
            chars[position : position + len(found.term)] = found.term
            repairs.append(found)
            position += len(found.term)
        return "".join(chars), repairs

    def _at(self, text: str, start: int) -> Repair | None:
        for length in self._lengths[text[start]]:
            window = text[start : start + length]
            term = self._variants.get(window)
            if term is not None and not self._cuts_a_word(text, start, start + length):
                return Repair(start=start, heard=window, term=term)
        return None

    def _cuts_a_word(self, text: str, start: int, end: int) -> bool:
        """True when a dictionary word runs across an edge of [start, end) (积金 in 公积金,
        分红显 in 分红显示): the window is part of a real word, not a mistyped term."""
        for edge in (start, end):
            for before in range(1, 4):
                for after in range(1, 4):
                    a, b = edge - before, edge + after
                    if a >= 0 and b <= len(text) and (a < start or b > end) and self._is_word(text[a:b]):
                        return True
        return False

"""The weighted terms of lexicon.yaml, and where they occur in a segmented text.

A Chinese term matches only where it starts and ends on token boundaries (保险 does not match
inside the token 保险柜); an English term only on word boundaries, with an optional plural
("card" does not match inside "discard"). Where terms overlap, the longest wins (信用卡中心 over
信用卡), so one stretch of text is counted once.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

from complaints.domain.understanding.segmentation import Token

LEXICON_FILE = "lexicon.yaml"
DIMENSIONS = ("business_types", "causes", "card_kinds", "business_channels")
_HAN = re.compile(r"[\u4e00-\u9fff]")


class LexiconError(ValueError):
    """The lexicon file is malformed (a duplicate term, a weight that is not a positive number)."""


@dataclass(frozen=True)
class TermHit:
    term: str
    start: int
    end: int


class _UniqueKeys(yaml.SafeLoader):
    """YAML keeps the last of two equal keys silently; a lexicon must not lose a weight that way."""


def _mapping(loader: _UniqueKeys, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
    if repeated:
        raise LexiconError(f"line {node.start_mark.line + 1}: repeated term(s) {', '.join(repeated)}")
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


class Lexicon:
    def __init__(self, *, version: int, tables: Mapping[str, Mapping[str, Mapping[str, float]]]) -> None:
        self.version = version
        # dimension → category → term → weight
        self.tables = tables
        self._by_first: dict[str, list[str]] = {}
        english: list[str] = []
        for term in sorted(self.terms(), key=lambda t: (-len(t), t)):
            if _HAN.search(term):
                self._by_first.setdefault(term[0], []).append(term)
            else:
                english.append(term)
        pattern = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in english) or "(?!)"
        self._english = re.compile(rf"(?<![a-z0-9])(?P<term>{pattern})(?:e?s)?(?![a-z0-9])")

    def terms(self) -> set[str]:
        return {term for table in self.tables.values() for terms in table.values() for term in terms}

    def categories(self, dimension: str) -> list[str]:
        return list(self.tables[dimension])

    def find(self, text: str, tokens: Iterable[Token]) -> list[TermHit]:
        starts: set[int] = set()
        ends: set[int] = set()
        for token in tokens:
            starts.add(token.start)
            ends.add(token.end)
        hits: list[TermHit] = []
        for start in sorted(starts):
            for term in self._by_first.get(text[start], ()):
                if text.startswith(term, start) and start + len(term) in ends:
                    hits.append(TermHit(term, start, start + len(term)))
                    break  # longest first: the shorter terms at this start lie inside it
        for match in self._english.finditer(text):
            hits.append(TermHit(" ".join(match.group("term").split()), match.start(), match.end()))
        return _outermost(hits)


def _outermost(hits: list[TermHit]) -> list[TermHit]:
    """Drop every hit that lies inside a longer one."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[TermHit] = []
    reach = -1
    for hit in hits:
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept


def parse_lexicon(text: str) -> Lexicon:
    data = yaml.load(text, Loader=_UniqueKeys)  # a SafeLoader
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise LexiconError("a lexicon is a mapping with an integer `version`")
    tables: dict[str, dict[str, dict[str, float]]] = {}
    for dimension in DIMENSIONS:
        section = data.get(dimension)
        if not isinstance(section, dict):
            raise LexiconError(f"`{dimension}` is missing")
        tables[dimension] = {}
        for category, terms in section.items():
            weights: dict[str, float] = {}
            for term, weight in (terms or {}).items():
                if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
                    raise LexiconError(f"{dimension}.{category}.{term}: weight must be a positive number")
                weights[str(term).casefold()] = float(weight)
            tables[dimension][str(category)] = weights
    return Lexicon(version=data["version"], tables=tables)


def shipped_lexicon() -> Lexicon:
    return parse_lexicon(files(__package__).joinpath(LEXICON_FILE).read_text(encoding="utf-8"))

"""Keyword classification of the complainant's words: business type, cause, flags.

The keywords are configuration (the `classification` section of the configuration file).
Matching is case-insensitive substring search, because Chinese has no word boundaries.
"""

import unicodedata
from collections.abc import Mapping, Set
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from complaints.domain.vocabulary import BusinessType, Cause, Flag


@dataclass(frozen=True)
class KeywordRules:
    """Keywords per category. Mapping order matters: the first type or cause with a hit wins,
    so list the more specific categories first."""

    business_types: Mapping[BusinessType, tuple[str, ...]]
    causes: Mapping[Cause, tuple[str, ...]]
    flags: Mapping[Flag, tuple[str, ...]]

    def __post_init__(self) -> None:
        # A blank keyword is a substring of every text and would classify everything.
        for table in (self.business_types, self.causes, self.flags):
            for category, keywords in table.items():
                if any(not _normalise(keyword).strip() for keyword in keywords):
                    raise ValueError(f"blank keyword for {category!r}")


@dataclass(frozen=True)
class Classification:
    business_type: BusinessType | None
    cause: Cause | None
    flags: frozenset[Flag]
    # The keywords that decided the result (hints excluded), for the routing reason.
    matched: tuple[str, ...]


_C = TypeVar("_C", bound=StrEnum)


def _normalise(text: str) -> str:
    # NFKC folds full-width letters and digits (ＡＴＭ, ａｐｐ), common in Chinese input,
    # into their ASCII forms; casefold then makes the match case-insensitive.
    return unicodedata.normalize("NFKC", text).casefold()


def _hits(text: str, keywords: tuple[str, ...]) -> list[str]:
    return [keyword for keyword in keywords if _normalise(keyword) in text]


def _first_hit(text: str, table: Mapping[_C, tuple[str, ...]]) -> tuple[_C | None, list[str]]:
    for category, keywords in table.items():
        hits = _hits(text, keywords)
        if hits:
            return category, hits
    return None, []


def classify(
    text: str,
    rules: KeywordRules,
    *,
    business_type_hint: BusinessType | None = None,
    cause_hint: Cause | None = None,
    flags_hint: Set[Flag] = frozenset(),
) -> Classification:
    """Classify `text` by keywords; a hint from the submitter beats the keywords.

    Business type and cause: the hint if given, else the first category with a hit, else
    `None`. Flags: the hints plus every flag with a hit (flags add up, they never compete).
    """
    normalised = _normalise(text)
    matched: list[str] = []

    business_type = business_type_hint
    if business_type is None:
        business_type, hits = _first_hit(normalised, rules.business_types)
        matched += hits

    cause = cause_hint
    if cause is None:
        cause, hits = _first_hit(normalised, rules.causes)
        matched += hits

    flags = set(flags_hint)
    for flag, keywords in rules.flags.items():
        hits = _hits(normalised, keywords)
        if hits and flag not in flags:
            flags.add(flag)
            matched += hits

    return Classification(
        business_type=business_type,
        cause=cause,
        flags=frozenset(flags),
        # One keyword can fire for several categories (年费: cards and fees); report it once.
        matched=tuple(dict.fromkeys(matched)),
    )

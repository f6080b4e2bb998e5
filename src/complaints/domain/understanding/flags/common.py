"""What every flag detector returns, and the text helpers they share."""

import re
from dataclasses import dataclass
from functools import lru_cache

from complaints.domain.vocabulary import Flag

_SENTENCE = re.compile(r"[^。!?;\n…]+")
_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|「[^」]*」|『[^』]*』|\"[^\"]*\"|'[^']*'")


@dataclass(frozen=True)
class Detection:
    """A flag that holds, with the words that made it hold (for the routing reason)."""

    flag: Flag
    evidence: tuple[str, ...]


def sentences(text: str) -> list[str]:
    return _sentences(text)


@lru_cache(maxsize=4)
def _sentences_cached(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in _SENTENCE.findall(text) if s.strip())


def _sentences(text: str) -> list[str]:
    # Eight detectors split the same text in a row; split it once.
    return list(_sentences_cached(text))


def without_quotes(text: str) -> str:
    """Reported speech blanked out (same length): what a collector or clerk said is not what the
    complainant says or does."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def first(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found.group() if found else None

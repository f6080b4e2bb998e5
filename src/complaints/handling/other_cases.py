"""What a reader may learn of *other* cases from the one it reads: only what it could read itself.

A case's trail and routing name other cases (a repeat's original, the repeat it received, a
merge, a complainant quoting an earlier number). A branch must learn neither the number nor
the existence of a case it cannot see, so for a session restricted to a unit (row-level
security decides what it sees) every case number that its own queries cannot find is replaced
by `HIDDEN` — whether the case is another branch's or does not exist, so nothing tells the
two apart. Unrestricted sessions (head office, workers) see every case and keep every number.
"""

import re
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import tenancy
from complaints.db.models import Case

HIDDEN = "another case"
# Any organisation's case numbers: a prefix of capitals and 14 digits (acceptance date + counter).
CASE_NUMBER = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,4}\d{14}(?![0-9])")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class Hider:
    """Replaces the numbers of cases the reader cannot see, in text and in JSON-like data."""

    def __init__(self, hidden: frozenset[str]) -> None:
        self.hidden = hidden

    def text(self, value: str) -> str:
        if not self.hidden:
            return value
        return CASE_NUMBER.sub(lambda m: HIDDEN if m.group(0) in self.hidden else m.group(0), value)

    def mapping(self, value: dict[str, object]) -> dict[str, object]:
        return {key: self.data(item) for key, item in value.items()} if self.hidden else value

    def data(self, value: object) -> object:
        if not self.hidden:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.data(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(item) for item in value]
        return value


async def hider_for(session: AsyncSession, *, values: Iterable[object]) -> Hider:
    """A hider for what `session` is about to show: finds the case numbers in `values`."""
    if tenancy.restricted_to(session) is None:
        return Hider(frozenset())
    named = {number for value in values for text in _strings(value) for number in CASE_NUMBER.findall(text)}
    if not named:
        return Hider(frozenset())
    # Under row-level security this finds only the cases the unit may see.
    visible = set(await session.scalars(select(Case.case_number).where(Case.case_number.in_(named))))
    return Hider(frozenset(named - visible))

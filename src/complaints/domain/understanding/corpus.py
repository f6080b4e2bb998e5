"""The labelled corpus format (JSON lines; /work/corpus/SPEC.md, shipped as demo/corpus/train.jsonl).

A line that does not parse is skipped, not an error: a file still being written ends in a
partial line, and one bad line must not stop training on the rest.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from complaints.domain.understanding.training import Example
from complaints.domain.vocabulary import BusinessChannel, BusinessType, CardKind, Cause, Flag


@dataclass(frozen=True)
class LabelledComplaint:
    id: str
    text: str
    demand: str | None
    branch_code: str | None
    business_type: BusinessType
    card: CardKind | None
    cause: Cause
    flags: frozenset[Flag]
    named_branch: str | None
    business_channel: BusinessChannel | None
    unit: str | None
    tags: tuple[str, ...]

    def example(self) -> Example:
        return Example(
            text=self.text,
            demand=self.demand,
            business_type=self.business_type,
            cause=self.cause,
            card=self.card,
            business_channel=self.business_channel,
            flags=self.flags,
        )


def parse_lines(lines: Iterable[str]) -> list[LabelledComplaint]:
    parsed: list[LabelledComplaint] = []
    for line in lines:
        try:
            row = json.loads(line)
            parsed.append(
                LabelledComplaint(
                    id=str(row["id"]),
                    text=str(row["text"]),
                    demand=row.get("demand") or None,
                    branch_code=row.get("branch_code") or None,
                    business_type=BusinessType(row["business_type"]),
                    card=CardKind(row["card"]) if row.get("card") else None,
                    cause=Cause(row["cause"]),
                    flags=frozenset(Flag(f) for f in row.get("flags") or ()),
                    named_branch=row.get("named_branch") or None,
                    business_channel=BusinessChannel(row["business_channel"])
                    if row.get("business_channel")
                    else None,
                    unit=row.get("unit") or None,
                    tags=tuple(row.get("tags") or ()),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue
    return parsed

"""Corrections as labels: what people said the classifier got wrong, as examples to train on.

Two kinds of event are labels, and nothing else is (a plain transfer may move a case for reasons
that have nothing to do with what the complaint is about):

- `reclassified`: a person said what the complaint is about. The example carries their business
  type, cause, card and flags (`data.labels`) and the unit routing gave the corrected case.
- `transferred` with `misrouted: true` (the transfer body's explicit field): the person said the
  routing was wrong and where the case belongs. Only the unit is known; business type, cause,
  card and flags are null (unknown), not guesses.

One example per case, from its latest correction (a later correction is the better-informed
one). Cases whose complainant's data was erased are left out. The examples are in the corpus
format (/work/corpus/SPEC.md) so that the trainer reads them like the shipped corpus:
`named_branch` and `business_channel` are null (nobody labelled them) and `tags` say where the
example came from.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypedDict

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, CaseEvent
from complaints.domain.events import EventKind
from complaints.domain.triage import TEXT_FLAGS
from complaints.domain.vocabulary import BusinessType, CardKind, Cause, Flag

RECLASSIFIED_TAG: Final = "correction:reclassified"
MISROUTED_TAG: Final = "correction:misrouted_transfer"


class CorpusExample(TypedDict):
    """One labelled complaint, in the corpus format. None: not labelled."""

    id: str
    text: str
    demand: str | None
    branch_code: str | None
    business_type: str | None
    card: str | None
    cause: str | None
    flags: list[str] | None
    named_branch: str | None
    business_channel: str | None
    unit: str | None
    tags: list[str]


@dataclass(frozen=True)
class Corrected:
    """A case and the event that corrected it, as read from the database."""

    case_number: str
    text: str
    demand: str | None
    branch_code: str | None
    kind: EventKind
    data: Mapping[str, Any]


def is_label(kind: str, data: Mapping[str, Any]) -> bool:
    """Whether an event is a correction: every reclassification, and a transfer marked misrouted."""
    if kind == EventKind.RECLASSIFIED:
        return True
    return kind == EventKind.TRANSFERRED and data.get("misrouted") is True


def example(corrected: Corrected) -> CorpusExample:
    """The corpus example a correction makes (pure)."""
    base: CorpusExample = {
        "id": f"correction-{corrected.case_number}",
        "text": corrected.text,
        "demand": corrected.demand,
        "branch_code": corrected.branch_code,
        "business_type": None,
        "card": None,
        "cause": None,
        "flags": None,
        "named_branch": None,
        "business_channel": None,
        "unit": _text_or_none(corrected.data.get("unit")),
        "tags": [MISROUTED_TAG],
    }
    if corrected.kind != EventKind.RECLASSIFIED:
        return base
    labels = corrected.data["labels"]
    card = labels.get("card")
    return {
        **base,
        "business_type": BusinessType(labels["business_type"]).value,
        "cause": Cause(labels["cause"]).value,
        "card": CardKind(card).value if card is not None else None,
        # The flags a reading of the text decides; the record's and the classifier's are no label.
        "flags": sorted(flag for flag in labels.get("flags", []) if Flag(flag) in TEXT_FLAGS),
        "tags": [RECLASSIFIED_TAG],
    }


def latest_per_case(corrections: Iterable[Corrected]) -> list[Corrected]:
    """The last correction of each case, in the order the cases were first corrected (pure)."""
    latest: dict[str, Corrected] = {}
    for corrected in corrections:
        latest[corrected.case_number] = corrected
    return list(latest.values())


async def correction_examples(session: AsyncSession, *, since: datetime | None = None) -> list[CorpusExample]:
    """Every correction people have made (since `since`, when given), one example per case.

    Reads every unit's cases: give it an unrestricted session (the CLI's or a worker's)."""
    query = (
        select(Case.case_number, Case.content, Case.demand, Case.branch_code, CaseEvent.kind, CaseEvent.data)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            Case.erased_at.is_(None),
            or_(
                CaseEvent.kind == EventKind.RECLASSIFIED,
                (CaseEvent.kind == EventKind.TRANSFERRED) & CaseEvent.data["misrouted"].as_boolean(),
            ),
        )
        .order_by(CaseEvent.id)
    )
    if since is not None:
        query = query.where(CaseEvent.at >= since)
    found = [
        Corrected(number, content, demand, branch, EventKind(kind), data)
        for number, content, demand, branch, kind, data in await session.execute(query)
        if is_label(kind, data)
    ]
    return [example(corrected) for corrected in latest_per_case(found)]


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None

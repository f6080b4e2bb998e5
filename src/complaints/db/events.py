"""The one way to write a case event.

`row` builds the columns of a `case_events` row, for the paths that insert in bulk (the
deadline sweep's executemany; the demo history's COPY through `copy_record`); `on_case` is
`row` at the case's current status; `new` makes the ORM object from `row` for everything
else. Either way the kind is an `EventKind`, so mypy refuses a kind the vocabulary does not
list, and the stored string is the member's value.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Final, TypedDict

from complaints.db.models import Case, CaseEvent
from complaints.domain.events import EventKind


class EventRow(TypedDict):
    """The columns of a `case_events` row, as a Core insert takes them."""

    case_id: int
    kind: EventKind
    at: datetime
    actor: str
    from_status: str | None
    to_status: str | None
    reason: str | None
    data: dict[str, object]


# The columns in EventRow's order, for COPY (`copy_record`).
COLUMNS: Final = ("case_id", "kind", "at", "actor", "from_status", "to_status", "reason", "data")


class _CaseStatus(Enum):
    CURRENT = "current"


# The default of `new`: the event leaves the case in the status it is in.
AT_CASE_STATUS: Final = _CaseStatus.CURRENT


def row(
    kind: EventKind,
    *,
    case_id: int,
    at: datetime,
    actor: str,
    from_status: str | None,
    to_status: str | None,
    reason: str | None = None,
    data: Mapping[str, object] | None = None,
) -> EventRow:
    return {
        "case_id": case_id,
        "kind": kind,
        "at": at,
        "actor": actor,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "data": {} if data is None else dict(data),
    }


def copy_record(event: EventRow) -> tuple[object, ...]:
    """The row as binary COPY takes it: the values in `COLUMNS` order, the data as JSON text."""
    return (
        event["case_id"],
        event["kind"],
        event["at"],
        event["actor"],
        event["from_status"],
        event["to_status"],
        event["reason"],
        json.dumps(event["data"]),
    )


def on_case(
    kind: EventKind,
    case: Case,
    *,
    at: datetime,
    actor: str,
    reason: str | None = None,
    data: Mapping[str, object] | None = None,
) -> EventRow:
    """An event that leaves `case` in its current status."""
    return row(
        kind,
        case_id=case.id,
        at=at,
        actor=actor,
        from_status=case.status,
        to_status=case.status,
        reason=reason,
        data=data,
    )


def new(
    kind: EventKind,
    case: Case,
    *,
    at: datetime,
    actor: str,
    reason: str | None = None,
    data: Mapping[str, object] | None = None,
    from_status: str | _CaseStatus | None = AT_CASE_STATUS,
    to_status: str | _CaseStatus | None = AT_CASE_STATUS,
) -> CaseEvent:
    """The ORM row of an event on `case`, by default at its current status."""
    return CaseEvent(
        **row(
            kind,
            case_id=case.id,
            at=at,
            actor=actor,
            from_status=case.status if from_status is AT_CASE_STATUS else from_status,
            to_status=case.status if to_status is AT_CASE_STATUS else to_status,
            reason=reason,
            data=data,
        )
    )

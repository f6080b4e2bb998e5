"""The case state machine (DOMAIN.md "Lifecycle", API.md "Cases").

One table says, for every status, which actions are allowed and where they lead. Everything
else (the API's 409 with the allowed actions, the event log, deadline recomputation) reads it.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, TypeAlias

from complaints.domain.vocabulary import Satisfaction, Status
from complaints.errors import IllegalTransition, InvalidInput


class Action(StrEnum):
    """What can happen to a case; the order here is the order `allowed_actions` reports."""

    # System steps, taken by intake and the routing worker.
    REGISTER = "register"
    ASSIGN = "assign"
    # The API's `POST /v1/complaints/{case_number}/{action}`.
    ACCEPT = "accept"
    NOTES = "notes"
    CONTACT = "contact"
    TRANSFER = "transfer"
    RECLASSIFY = "reclassify"
    RETURN = "return"
    ESCALATE = "escalate"
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    RESOLVE = "resolve"
    CALLBACK = "callback"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"
    REFUSE = "refuse"
    MERGE = "merge"
    CLOSE = "close"


# Nothing is left to do on a case in these: no clock runs, nobody holds it; a new message from
# the complainant opens a new case.
FINISHED_STATUSES: Final[frozenset[Status]] = frozenset(
    {Status.CLOSED, Status.WITHDRAWN, Status.REFUSED, Status.MERGED}
)

# Statuses in which the case is still being handled and its clocks run (or are paused).
# `resolved` is not open: the proposal is made and only the callback clock is left.
OPEN_STATUSES: Final[frozenset[Status]] = frozenset(
    {
        Status.RECEIVED,
        Status.REGISTERED,
        Status.ASSIGNED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.PAUSED,
    }
)

# A callback's outcome decides where it leads: a dissatisfied complainant reopens the case.
_BY_SATISFACTION: Final[Mapping[Satisfaction, Status]] = {
    Satisfaction.SATISFIED: Status.RESOLVED,
    Satisfaction.BASICALLY_SATISFIED: Status.RESOLVED,
    Satisfaction.DISSATISFIED: Status.IN_PROGRESS,
}

_Target: TypeAlias = Status | Mapping[Satisfaction, Status]

# status → action → next status. Judgement calls (the brief left these open):
# - refuse needs a registered case: a refusal is communicated with reasons, which needs the
#   receipt (case number) first; once handling has started (in_progress) it is a resolution
#   with outcome `rejected`, not a refusal.
# - transfer is not allowed while paused: resume first, so the new unit gets a running clock.
# - reclassify (a person corrects business type, cause and flags) leaves the status as it is,
#   and is allowed exactly where transfer is: when the correction re-routes the case, the move
#   is a transfer's (to `assigned`, waiting for the new unit to accept).
# - resolve is not allowed while paused: the wait must end (resume) before a proposal.
# - escalate/extend only while open: after resolve the regulatory clock is met.
# - withdraw is allowed after resolve (the complainant drops it before the callback), not
#   after close; a closed case is reopened instead.
# - notes are allowed on closed, withdrawn and refused cases (the record stays writable for
#   appeals and audits) but not on merged ones: notes belong on the surviving case.
_TRANSITIONS: Final[Mapping[Status, Mapping[Action, _Target]]] = {
    Status.RECEIVED: {
        Action.REGISTER: Status.REGISTERED,
        Action.NOTES: Status.RECEIVED,
        Action.ESCALATE: Status.RECEIVED,
        Action.EXTEND: Status.RECEIVED,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.MERGE: Status.MERGED,
    },
    Status.REGISTERED: {
        Action.ASSIGN: Status.ASSIGNED,
        Action.NOTES: Status.REGISTERED,
        Action.TRANSFER: Status.ASSIGNED,
        Action.RECLASSIFY: Status.REGISTERED,
        Action.ESCALATE: Status.REGISTERED,
        Action.EXTEND: Status.REGISTERED,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.REFUSE: Status.REFUSED,
        Action.MERGE: Status.MERGED,
    },
    Status.ASSIGNED: {
        Action.ACCEPT: Status.ACCEPTED,
        Action.NOTES: Status.ASSIGNED,
        Action.TRANSFER: Status.ASSIGNED,
        Action.RECLASSIFY: Status.ASSIGNED,
        Action.ESCALATE: Status.ASSIGNED,
        Action.EXTEND: Status.ASSIGNED,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.REFUSE: Status.REFUSED,
        Action.MERGE: Status.MERGED,
    },
    Status.ACCEPTED: {
        Action.NOTES: Status.ACCEPTED,
        # The first contact with the complainant is the first response.
        Action.CONTACT: Status.IN_PROGRESS,
        Action.TRANSFER: Status.ASSIGNED,
        Action.RECLASSIFY: Status.ACCEPTED,
        Action.ESCALATE: Status.ACCEPTED,
        Action.EXTEND: Status.ACCEPTED,
        Action.PAUSE: Status.PAUSED,
        # Resolved on first contact (first-contact resolution is a measure).
        Action.RESOLVE: Status.RESOLVED,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.REFUSE: Status.REFUSED,
        Action.MERGE: Status.MERGED,
    },
    Status.IN_PROGRESS: {
        Action.NOTES: Status.IN_PROGRESS,
        Action.CONTACT: Status.IN_PROGRESS,
        Action.TRANSFER: Status.ASSIGNED,
        Action.RECLASSIFY: Status.IN_PROGRESS,
        Action.ESCALATE: Status.IN_PROGRESS,
        Action.EXTEND: Status.IN_PROGRESS,
        Action.PAUSE: Status.PAUSED,
        Action.RESOLVE: Status.RESOLVED,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.MERGE: Status.MERGED,
    },
    Status.PAUSED: {
        Action.NOTES: Status.PAUSED,
        # Talking to the customer we are waiting on does not restart the clock; resume does.
        Action.CONTACT: Status.PAUSED,
        Action.ESCALATE: Status.PAUSED,
        Action.EXTEND: Status.PAUSED,
        Action.RESUME: Status.IN_PROGRESS,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.MERGE: Status.MERGED,
    },
    Status.RESOLVED: {
        Action.NOTES: Status.RESOLVED,
        # 退回重办: the proposal is sent back for rework.
        Action.RETURN: Status.IN_PROGRESS,
        Action.CALLBACK: _BY_SATISFACTION,
        Action.REOPEN: Status.IN_PROGRESS,
        Action.WITHDRAW: Status.WITHDRAWN,
        Action.CLOSE: Status.CLOSED,
    },
    Status.CLOSED: {
        Action.NOTES: Status.CLOSED,
        # New facts reopen a closed case (CBIRC: new facts restart the clock).
        Action.REOPEN: Status.IN_PROGRESS,
    },
    Status.WITHDRAWN: {Action.NOTES: Status.WITHDRAWN},
    Status.REFUSED: {Action.NOTES: Status.REFUSED},
    Status.MERGED: {},
}


def allowed_actions(status: Status) -> list[Action]:
    """The actions allowed in `status`, in `Action` declaration order."""
    table = _TRANSITIONS[status]
    return [action for action in Action if action in table]


def next_status(status: Status, action: Action, *, satisfaction: Satisfaction | None = None) -> Status:
    """Where `action` takes a case in `status`.

    `satisfaction` is required for `callback` and ignored for every other action.
    Raises `IllegalTransition` (carrying the allowed actions) when the action is not allowed.
    """
    target = _TRANSITIONS[status].get(action)
    if target is None:
        raise IllegalTransition(
            status.value, action.value, [allowed.value for allowed in allowed_actions(status)]
        )
    if isinstance(target, Status):
        return target
    if satisfaction is None:
        raise InvalidInput(f"{action.value!r} needs a satisfaction", field="satisfaction")
    return target[satisfaction]


def is_open(status: Status) -> bool:
    return status in OPEN_STATUSES

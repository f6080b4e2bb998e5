"""The vocabulary of a case's append-only history: every kind of event, and the shape of the
event data that something reads back.

The values are the strings stored in `case_events.kind` since the first migration: the report
facts view, its partial indexes and API clients match on them, so a value never changes; a
new kind of event is a new member. The API still shows `kind` as a plain string, so that a new
member is not a breaking change for clients generated from the OpenAPI spec.
"""

from enum import StrEnum
from typing import Literal, NotRequired, TypedDict

from complaints.domain.vocabulary import (
    BusinessType,
    CardKind,
    Cause,
    EscalationLevel,
    Flag,
)


class EventKind(StrEnum):
    # Intake and routing
    RECEIVED = "received"  # a complaint was filed, on any channel: the case's first event
    MESSAGE = "message"  # the complainant wrote again about the case (an e-mail or SMS thread)
    REGISTERED = "registered"  # routing classified it: business type, cause, severity, flags
    ASSIGNED = "assigned"  # routing gave it to a unit and a handler, by the rule that matched
    REPEAT_RECEIVED = "repeat_received"  # on the original: its complainant filed the same issue again
    LEADERSHIP_NOTIFIED = "leadership_notified"  # media, group or major: leadership is told at once
    # Deadlines
    DEADLINE_STARTED = "deadline_started"  # a rule outside routing started a clock (incident report)
    DEADLINE_WARNED = "deadline_warned"  # a clock crossed one of its warning thresholds
    DEADLINE_BREACHED = "deadline_breached"  # a clock ran out unmet
    MANAGER_NOTIFIED = "manager_notified"  # breach action: a notice went to the unit manager
    HOLDING_REPLY_QUEUED = "holding_reply_queued"  # breach action: the complainant hears of the delay
    SEVERITY_RAISED = "severity_raised"  # breach action: severity one step up, its clocks re-planned
    ESCALATED = "escalated"  # the case climbed the ladder: by which rule, from and to which rung, to whom
    # Handling: one per action (domain.lifecycle.Action), named for what it did
    ACCEPTED = "accepted"  # the target unit took the case over from its first receiver
    NOTED = "noted"  # an internal note
    CONTACTED = "contacted"  # the complainant was talked to (the first response), maybe with a promise
    TRANSFERRED = "transferred"  # to another unit, which must accept it again
    RECLASSIFIED = "reclassified"  # a person corrected business type, cause, card or flags; a label
    RETURNED = "returned"  # the proposal went back for rework (退回重办)
    EXTENDED = "extended"  # the regulatory period was extended to 30 or 60 days, with its approver
    PAUSED = "paused"  # waiting on the complainant or an appraisal: the clocks stop
    RESUMED = "resumed"  # the clocks run again
    RESOLVED = "resolved"  # a proposal: outcome, verdict and reply
    CALLED_BACK = "called_back"  # the callback's answer (回访); a dissatisfied one reopens the case
    REOPENED = "reopened"  # new facts: fresh resolution and regulatory periods
    WITHDRAWN = "withdrawn"  # the complainant withdrew
    REFUSED = "refused"  # not accepted for handling, on one of the grounds
    MERGED = "merged"  # this case was merged into another, which carries on
    MERGED_IN = "merged_in"  # on the case that carries on: another case was merged into it
    CLOSED = "closed"  # the case is finished
    # Privacy (PIPL data-subject requests)
    PERSONAL_DATA_CORRECTED = "personal_data_corrected"  # the complainant's data was corrected
    PERSONAL_DATA_ERASED = "personal_data_erased"  # the complainant's data was erased (anonymised)


class Escalation(TypedDict):
    """`escalated`: every climb names the rule that caused it (domain.escalation.EscalationRule,
    or `breach:<clock kind>`), so the supervision reports can tell the causes apart."""

    rule: str
    from_level: EscalationLevel
    to_level: EscalationLevel
    to: str | None  # the staff id on the reached rung, if anyone is configured there


class ClockData(TypedDict):
    """The clock a deadline event is about. The report facts view counts resolution breaches
    by `data ->> 'deadline'` (migration 0008 and its partial index)."""

    deadline: str
    due_at: str  # RFC 3339


class CallbackData(TypedDict):
    """`called_back`. The report facts view counts a dissatisfied callback as a reopen by the
    presence of `reopened` (`data ? 'reopened'`), so the key is absent, never false, otherwise."""

    satisfaction: str
    notes: NotRequired[str | None]
    reopened: NotRequired[Literal[True]]


class Labels(TypedDict):
    """`reclassified` → `data.labels`: what the person said the complaint is, as the classifier's
    trainer reads it back (routing.corrections). `flags` are the flags they said hold."""

    business_type: BusinessType
    cause: Cause
    card: CardKind | None
    flags: list[Flag]

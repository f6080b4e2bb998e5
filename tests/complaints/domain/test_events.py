"""The event vocabulary's values are what `case_events.kind` has stored since the start: the
report facts view, its indexes and API clients match on them, so none may change."""

from complaints.domain.events import EventKind

STORED = {
    "received", "message", "registered", "assigned", "repeat_received", "leadership_notified",
    "deadline_started", "deadline_warned", "deadline_breached", "manager_notified",
    "holding_reply_queued", "severity_raised", "escalated", "accepted", "noted", "contacted",
    "transferred", "reclassified", "returned", "extended", "paused", "resumed", "resolved", "called_back",
    "reopened", "withdrawn", "refused", "merged", "merged_in", "closed",
    "personal_data_corrected", "personal_data_erased",
}  # fmt: skip


def test_the_stored_kinds_are_the_vocabulary() -> None:
    assert {kind.value for kind in EventKind} == STORED


def test_every_kind_fits_the_column() -> None:
    assert max(len(kind) for kind in EventKind) <= 32  # case_events.kind is String(32)

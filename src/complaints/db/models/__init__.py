"""Every table, imported here so Alembic and the app see one complete metadata."""

from complaints.db.models.access import ApiKey, IdempotencyKey
from complaints.db.models.cases import Case, CaseEvent, Deadline
from complaints.db.models.configuration import (
    CalendarDay,
    CalendarYear,
    ClassificationKeyword,
    ConfigVersion,
    RoutingRule,
    SeverityFloor,
    SlaPolicy,
)
from complaints.db.models.organisation import Handler, OrgUnit
from complaints.db.models.outbox import OutboxMessage

__all__ = [
    "ApiKey",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseEvent",
    "ClassificationKeyword",
    "ConfigVersion",
    "Deadline",
    "Handler",
    "IdempotencyKey",
    "OrgUnit",
    "OutboxMessage",
    "RoutingRule",
    "SeverityFloor",
    "SlaPolicy",
]

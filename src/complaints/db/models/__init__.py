"""Every table, imported here so Alembic and the app see one complete metadata."""

from complaints.db.models.access import ApiKey, IdempotencyKey, PersonalDataRead
from complaints.db.models.cases import Case, CaseEvent, Deadline
from complaints.db.models.channels import (
    Attachment,
    CaseLink,
    ChannelMessage,
    Notification,
    RejectedMessage,
    SmsPart,
)
from complaints.db.models.classifier import ClassifierModel
from complaints.db.models.configuration import (
    BreachPolicy,
    CalendarDay,
    CalendarSettings,
    CalendarYear,
    ClassificationKeyword,
    ConfigVersion,
    RegionalCalendarDay,
    RoutingRule,
    SeverityFloor,
    SlaPolicy,
)
from complaints.db.models.organisation import OrgUnit, StaffMember
from complaints.db.models.outbox import OutboxMessage
from complaints.db.models.reports import ReportRefresh, report_case_facts
from complaints.db.models.staff import StaffAccount

__all__ = [
    "ApiKey",
    "Attachment",
    "BreachPolicy",
    "CalendarDay",
    "CalendarSettings",
    "CalendarYear",
    "Case",
    "CaseEvent",
    "CaseLink",
    "ChannelMessage",
    "ClassificationKeyword",
    "ClassifierModel",
    "ConfigVersion",
    "Deadline",
    "IdempotencyKey",
    "Notification",
    "OrgUnit",
    "OutboxMessage",
    "PersonalDataRead",
    "RegionalCalendarDay",
    "RejectedMessage",
    "ReportRefresh",
    "RoutingRule",
    "SeverityFloor",
    "SlaPolicy",
    "SmsPart",
    "StaffAccount",
    "StaffMember",
    "report_case_facts",
]

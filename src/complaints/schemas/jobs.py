"""Job names and payloads shared by whoever enqueues and whoever runs them."""

from enum import StrEnum

from pydantic import BaseModel


class JobName(StrEnum):
    ROUTE_CASE = "route_case"
    # Breach actions (services/sla.py): tell the unit manager; tell the complainant of the delay.
    NOTIFY_MANAGER = "notify_manager"
    HOLDING_REPLY = "holding_reply"
    # A receipt or update to a complainant (notifications/dispatch.py), run by the routing worker.
    SEND_NOTIFICATION = "send_notification"


class RouteCase(BaseModel):
    outbox_id: int
    case_id: int


class BreachNotice(BaseModel):
    """A breached clock someone must hear about: the unit manager, or the complainant."""

    outbox_id: int
    case_id: int
    deadline: str
    due_at: str
    # The staff id told (the manager); None for the complainant, reached on the case's contact.
    to: str | None = None


class SendNotification(BaseModel):
    outbox_id: int
    notification_id: int


JOB_PAYLOADS: dict[JobName, type[BaseModel]] = {
    JobName.ROUTE_CASE: RouteCase,
    JobName.NOTIFY_MANAGER: BreachNotice,
    JobName.HOLDING_REPLY: BreachNotice,
    JobName.SEND_NOTIFICATION: SendNotification,
}

"""Jobs: their names and typed payloads, shared by whoever sends them and whoever runs them.

A producer builds a payload (`RouteCase(case_id=...)`) and hands it to `outbox.add`; the job's
name comes from the payload's type, so a payload can never be sent under the wrong name.
"""

from enum import StrEnum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict


class JobName(StrEnum):
    ROUTE_CASE = "route_case"
    # Breach actions (deadlines/sweep.py): tell the unit manager; tell the complainant of the delay.
    NOTIFY_MANAGER = "notify_manager"
    HOLDING_REPLY = "holding_reply"
    # A receipt or update to a complainant (notifications/dispatch.py), run by the routing worker.
    SEND_NOTIFICATION = "send_notification"


class Job(BaseModel):
    """A job's payload. `outbox_id` is not part of it: the outbox adds it when sending."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: ClassVar[JobName]

    @classmethod
    def received(cls, arguments: dict[str, Any]) -> tuple[Self, int | None]:
        """The payload and outbox id of a job as the worker receives it."""
        fields = dict(arguments)
        outbox_id = fields.pop("outbox_id", None)
        return cls.model_validate(fields), outbox_id


class RouteCase(Job):
    name = JobName.ROUTE_CASE
    case_id: int


class BreachNotice(Job):
    """A breached clock someone must hear about."""

    case_id: int
    deadline: str
    due_at: str


class ManagerNotice(BreachNotice):
    name = JobName.NOTIFY_MANAGER
    # The staff id told.
    to: str | None = None


class HoldingReply(BreachNotice):
    """The complainant is told of the delay, on the case's contact."""

    name = JobName.HOLDING_REPLY


class SendNotification(Job):
    name = JobName.SEND_NOTIFICATION
    notification_id: int

"""Job names and payloads shared by whoever enqueues and whoever runs them."""

from enum import StrEnum

from pydantic import BaseModel


class JobName(StrEnum):
    ROUTE_CASE = "route_case"


class RouteCase(BaseModel):
    outbox_id: int
    case_id: int


JOB_PAYLOADS: dict[JobName, type[BaseModel]] = {JobName.ROUTE_CASE: RouteCase}

"""What supervisors read at a glance: how many cases stand where."""

from pydantic import BaseModel, Field

from complaints.domain.vocabulary import Status


class CaseCounts(BaseModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "total": 42,
                    "by_status": {"assigned": 5, "accepted": 3, "in_progress": 20, "resolved": 14},
                    "overdue": 2,
                    "about_to_breach": 4,
                    "unaccepted": 5,
                }
            ]
        }
    }

    total: int
    by_status: dict[Status, int] = Field(description="Every status, zero included.")
    overdue: int = Field(description="Cases with a breached clock or one past due and not met.")
    about_to_breach: int = Field(description="Cases with a running clock past its last warning.")
    unaccepted: int = Field(description="Cases assigned to a unit that has not accepted them yet.")

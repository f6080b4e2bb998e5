"""What the channel webhooks take and answer (API.md, "Intake")."""

from enum import StrEnum
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from complaints.schemas.complaint import Strict


class ChannelOutcome(StrEnum):
    CREATED = "created"  # a new case
    THREADED = "threaded"  # added to an existing case
    CALLBACK = "callback"  # a satisfaction answer, recorded on its case
    IGNORED = "ignored"  # an auto-reply or a bounce
    DUPLICATE = "duplicate"  # the gateway sent this message before: the first answer again
    WAITING = "waiting"  # one part of a long SMS; the case opens when all parts are in


class ChannelResult(BaseModel):
    outcome: ChannelOutcome
    case_number: str | None = None
    detail: str | None = None


class SmsInbound(Strict):
    """An SMS gateway's inbound message. A long SMS may come in parts sharing `reference`."""

    # Gateways add fields of their own (operator, encoding …): those are not mistakes.
    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "from": "13812345678",
                    "text": "我的信用卡年费被乱扣了，请处理",
                    "message_id": "SMS-20261123-0001",
                    "received_at": "2026-11-23T09:15:00+08:00",
                }
            ]
        },
    )

    sender: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{4,30}$")] = (
        Field(alias="from")
    )
    text: Annotated[str, StringConstraints(max_length=5_000)]
    message_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    received_at: AwareDatetime | None = None
    reference: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None
    part: int | None = Field(default=None, ge=1, le=255)
    parts: int | None = Field(default=None, ge=1, le=255)

    @model_validator(mode="after")
    def _parts_agree(self) -> Self:
        if (self.parts or 1) > 1 and (self.reference is None or self.part is None):
            raise ValueError("a message in several parts needs reference, part and parts")
        if self.part is not None and self.part > (self.parts or 1):
            raise ValueError("part is beyond parts")
        return self

"""Data-subject requests (PIPL: access, correction, deletion) as administrators send them."""

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from complaints.schemas.complaint import CaseView, Code, EventView, ShortText, Strict

Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{4,30}$")]
IdNumber = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{6,32}$")]


class Subject(Strict):
    """Who the request is about: every case matching any of these identifiers (by keyed hash)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"phone": "13812345678", "id_number": "110101199003071234"}]},
    )

    phone: Phone | None = None
    id_number: IdNumber | None = None
    email: EmailStr | None = None
    customer_no: Code | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not (self.phone or self.id_number or self.email or self.customer_no):
            raise ValueError("name at least one of phone, id_number, email, customer_no")
        return self


class Correction(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"subject": {"phone": "13812345678"}, "name": "张三丰", "phone": "13912345678"}]
        },
    )

    subject: Subject
    name: ShortText | None = None
    phone: Phone | None = None
    email: EmailStr | None = None
    id_number: IdNumber | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not (self.name or self.phone or self.email or self.id_number):
            raise ValueError("name at least one corrected field: name, phone, email, id_number")
        return self

    def changes(self) -> dict[str, str]:
        return self.model_dump(include={"name", "phone", "email", "id_number"}, exclude_none=True)


class Erasure(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"subject": {"id_number": "110101199003071234"}}]},
    )

    subject: Subject


class AttachmentRecord(BaseModel):
    filename: str
    content_type: str
    size_bytes: int | None
    created_at: datetime


class NotificationRecord(BaseModel):
    kind: str
    channel: str
    recipient: str
    subject: str | None
    body: str
    state: str
    created_at: datetime
    sent_at: datetime | None


class CaseRecord(BaseModel):
    case: CaseView
    events: list[EventView]
    attachments: list[AttachmentRecord]
    notifications: list[NotificationRecord]


class SubjectExport(BaseModel):
    generated_at: datetime
    cases: list[CaseRecord] = Field(description="Every case of the person, unmasked, with its trail.")


class SubjectOutcome(BaseModel):
    case_numbers: list[str] = Field(description="The cases that were changed.")
    fields: list[str] = Field(description="The personal-data fields that were changed or erased.")

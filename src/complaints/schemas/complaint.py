"""The case as partners send it and as they read it back (API.md, "Intake" and "Cases")."""

import base64
import binascii
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import (
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from complaints.domain.deadlines import PeriodUnit
from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    DeadlineKind,
    DeadlineState,
    EscalationLevel,
    Flag,
    Outcome,
    RefusalGround,
    Satisfaction,
    Severity,
    Source,
    Status,
    Verdict,
)
from complaints.schemas.moments import is_flag, is_moment, rfc3339_only, storable

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class Strict(BaseModel):
    """Request bodies: an unknown field is a mistake worth telling the sender about."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object, info: ValidationInfo) -> object:
        """Postgres text cannot hold NUL: refuse it here, not with a failed insert (a 500)."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        if info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if is_moment(annotation):
                return rfc3339_only(value)  # not a number of seconds since 1970
            if is_flag(annotation) and value is not None and not isinstance(value, bool):
                raise ValueError("must be true or false")  # not 0, 1, "yes" or "off"
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: object) -> object:
        return storable(value) if isinstance(value, datetime) else value


class Complainant(Strict):
    name: ShortText | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{4,30}$")] | None = None
    email: EmailStr | None = None
    id_number: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{6,32}$")] | None = None
    customer_no: Code | None = None


class Upstream(Strict):
    """The referring body's reference and its own deadline (a regulator referral, 12345)."""

    ref: ShortText
    due_at: AwareDatetime | None = None


class AttachmentIn(Strict):
    """A file sent along: its bytes in base64, or a URL where it is kept (not fetched by us)."""

    filename: ShortText
    content_type: Annotated[
        str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")
    ]
    url: AnyHttpUrl | None = None
    data_base64: str | None = None

    @field_validator("data_base64")
    @classmethod
    def _is_base64(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError) as error:
                raise ValueError("is not valid base64") from error
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.url is None) == (self.data_base64 is None):
            raise ValueError("give exactly one of url or data_base64")
        return self

    def data(self) -> bytes | None:
        return None if self.data_base64 is None else base64.b64decode(self.data_base64)


class ComplaintCreate(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "hotline",
                    "external_ref": "CALL-20261123-0042",
                    "complainant": {"name": "张三", "phone": "13812345678"},
                    "content": "信用卡年费未经同意被扣收，客服电话一直打不通。",
                    "demand": "退还年费",
                    "branch_code": "BR-001",
                }
            ]
        },
    )

    channel: Channel
    source: Source = Source.DIRECT
    external_ref: ShortText | None = None
    complainant: Complainant = Field(default_factory=Complainant)
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    demand: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5_000)] | None = None
    branch_code: Code | None = None
    staff_id: Code | None = None
    occurred_at: AwareDatetime | None = None
    amount: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)] | None = None
    business_type: BusinessType | None = None
    cause: Cause | None = None
    severity: Severity | None = None
    confidential: bool = False
    received_at: AwareDatetime | None = Field(
        default=None,
        description="When a staff-entered complaint actually arrived (letter, walk-in, referral). "
        "Defaults to now; never in the future, nor further back than the configured limit "
        "(a year by default) or than the working-day calendar covers; needs the intake:backdate scope.",
    )
    upstream: Upstream | None = None
    attachments: list[AttachmentIn] = Field(
        default_factory=list,
        max_length=50,
        description="Evidence: recordings, photos, letters. Limits on count, size and type apply.",
    )


class ComplainantView(BaseModel):
    name: str | None
    phone: str | None
    email: str | None
    id_number: str | None
    customer_no: str | None


class RoutingView(BaseModel):
    rule: str
    reason: str


class DeadlineView(BaseModel):
    kind: DeadlineKind
    due_at: datetime
    state: DeadlineState
    period: str
    unit: PeriodUnit | None = Field(
        default=None,
        description="How the period counts: hours, working_hours, days or working_days; "
        "null for a deadline someone else set (a promise, an upstream date).",
    )
    remaining_seconds: int | None = Field(
        default=None,
        description="Seconds from now until due_at, negative once overdue; while paused, what was "
        "left when the pause began; null once met.",
    )
    warnings_sent: int = 0
    paused_at: datetime | None = None
    breached_at: datetime | None = None
    met_at: datetime | None = None


class HandlingView(BaseModel):
    """Where the handling stands: who owns it, how often it moved, what was decided."""

    first_receiver: str | None = Field(description="Who recorded the case (首问负责); owns it until accepted")
    accepted_at: datetime | None
    accepted_by: str | None
    escalation_level: EscalationLevel
    transfer_count: int
    return_count: int
    paused_until: datetime | None
    regulatory_days: int | None = Field(description="The regulatory period once extended (30 or 60 days).")
    outcome: Outcome | None
    verdict: Verdict | None
    amount: Decimal | None
    reply: str | None
    resolved_at: datetime | None
    satisfaction: Satisfaction | None
    refusal_ground: RefusalGround | None
    merged_into: str | None
    closed_at: datetime | None


class RelationView(BaseModel):
    kind: str = Field(description="repeat (same complainant, same issue) or group (many complainants)")
    case_number: str


class AttachmentView(BaseModel):
    filename: str
    content_type: str
    size_bytes: int | None
    url: str | None


class CaseView(BaseModel):
    case_number: str
    status: Status
    channel: Channel
    source: Source
    external_ref: str | None
    received_at: datetime
    complainant: ComplainantView
    content: str
    demand: str | None
    branch_code: str | None
    business_type: BusinessType | None
    cause: Cause | None
    severity: Severity
    flags: list[Flag]
    unit: str | None
    assignee: str | None
    routing: RoutingView | None
    upstream: Upstream | None
    deadlines: list[DeadlineView]
    related: list[str]
    relations: list[RelationView] = Field(
        default_factory=list, description="`related`, with the kind of link"
    )
    attachments: list[AttachmentView] = Field(default_factory=list)
    handling: HandlingView


class CasePage(BaseModel):
    items: list[CaseView]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null at the end.")


class EventView(BaseModel):
    kind: str
    at: datetime
    actor: str
    from_status: Status | None
    to_status: Status | None
    reason: str | None
    data: dict[str, object]


class EventList(BaseModel):
    items: list[EventView]

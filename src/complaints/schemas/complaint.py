"""The case as partners send it and as they read it back (API.md, "Intake" and "Cases")."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    DeadlineKind,
    DeadlineState,
    Flag,
    Severity,
    Source,
    Status,
)

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class Strict(BaseModel):
    """Request bodies: an unknown field is a mistake worth telling the sender about."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        """Postgres text cannot hold NUL: refuse it here, not with a failed insert (a 500)."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


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
        "Defaults to now; never in the future; needs the intake:backdate scope.",
    )
    upstream: Upstream | None = None


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

"""API keys as administrators create and list them (`/v1/admin/keys`, `complaints keys`)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from complaints.schemas.complaint import Code, Strict

KeyName = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,99}$")
]


class Permission(StrEnum):
    """What an API key may do."""

    INTAKE = "intake"
    INTAKE_BACKDATE = "intake:backdate"
    READ = "read"
    HANDLE = "handle"
    ADMIN = "admin"
    PII_READ = "pii:read"
    REPORTS = "reports"


class KeyCreate(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "branch-001-crm", "scopes": ["intake", "read", "handle"], "unit": "BR-001"}]
        },
    )

    name: KeyName = Field(description="Unique; tells people which system holds the key.")
    scopes: Annotated[list[Permission], Field(min_length=1, max_length=len(Permission))]
    unit: Code | None = Field(
        default=None,
        description="Bind the key to one org unit: it then sees and acts only on that unit's cases.",
    )


class KeyView(BaseModel):
    id: int
    name: str
    # The first characters of the key, to tell keys apart; never enough to use one.
    prefix: str
    scopes: list[Permission]
    unit: str | None
    created_at: datetime
    last_used_at: datetime | None
    rotated_at: datetime | None
    revoked_at: datetime | None


class IssuedKey(KeyView):
    key: str = Field(description="The key itself. Shown this once: only its hash is kept.")


class KeyList(BaseModel):
    items: list[KeyView]

"""PIPL: every time personal data is shown unmasked, who saw which fields of which case."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Case, PersonalDataRead
from complaints.security.api_keys import Principal

# Field name in the API → attribute of the case.
PERSONAL_FIELDS = {
    "name": "complainant_name",
    "phone": "complainant_phone",
    "email": "complainant_email",
    "id_number": "complainant_id_number",
    "customer_no": "complainant_customer_no",
}


def shown_fields(case: Case) -> list[str]:
    return [field for field, attribute in PERSONAL_FIELDS.items() if getattr(case, attribute) is not None]


async def record(
    session: AsyncSession,
    *,
    principal: Principal | None,
    actor: str | None = None,
    cases: Iterable[Case],
    purpose: str,
    now: datetime,
) -> int:
    """One row per case that had personal data to show; in the reader's transaction."""
    rows = [
        {
            "at": now,
            "api_key_id": principal.key_id if principal else None,
            "actor": actor or (principal.name if principal else "system"),
            "case_id": case.id,
            "fields": fields,
            "purpose": purpose,
        }
        for case in cases
        if (fields := shown_fields(case))
    ]
    if rows:
        await session.execute(insert(PersonalDataRead), rows)
    return len(rows)

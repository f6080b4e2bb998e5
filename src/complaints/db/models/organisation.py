"""Who handles complaints: org units and the people in them."""

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base


class OrgUnit(Base):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    # "department" at head office or "branch"; a branch is where "service at a named branch" goes.
    kind: Mapped[str] = mapped_column(String(32))
    # The complaint centre: default owner and escalation target.
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many customers the unit serves (a branch): complaints per 10,000 customers.
    customers: Mapped[int | None] = mapped_column(BigInteger)


class StaffMember(Base):
    """A person who can own a case; their role places them on the escalation ladder."""

    __tablename__ = "handlers"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    contact: Mapped[str | None] = mapped_column(String(200))
    available: Mapped[bool] = mapped_column(Boolean, default=True)

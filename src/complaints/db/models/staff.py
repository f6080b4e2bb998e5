"""Staff console sign-in: a password per configured person.

Kept apart from `handlers`, which `complaints config apply` rewrites: a password must survive
a configuration change. Whether a staff id may sign in at all is still the configuration's say.
"""

from datetime import datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    staff_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # An argon2id hash in its PHC string form (parameters included, so they can change).
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

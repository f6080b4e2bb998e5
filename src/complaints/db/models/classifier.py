"""The installed classifier models: every routing worker reads the active one from here."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base


class ClassifierModel(Base):
    """A trained model (complaints.domain.understanding.model bytes: data, never code).

    In Postgres rather than a file so that every worker, in every container, reads the same one,
    and a newly installed model reaches them all without a restart.
    """

    __tablename__ = "classifier_models"
    __table_args__ = (
        # At most one active model.
        Index("uq_classifier_models_active", "active", unique=True, postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    trained_at: Mapped[datetime] = mapped_column(server_default=func.now())
    examples: Mapped[int] = mapped_column(Integer)
    # How it scored on the held-out split when it was trained (what `train` compares).
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONB)
    model: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=False)

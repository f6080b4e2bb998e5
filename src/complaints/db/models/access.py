"""Who may call the API, which requests were already answered, who read personal data."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base
from complaints.db.sealed import SealedJson


class ApiKey(Base):
    """Only a SHA-256 of the key is kept: keys are long random tokens, so a fast hash suffices."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the key, so people can tell their keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Recorded at most about once a minute per key (services/access.py).
    last_used_at: Mapped[datetime | None]
    rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class IdempotencyKey(Base):
    """The first answer to a request, replayed when the same key is sent again."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    # Sealed: the answer may show the complainant's personal data.
    response_body: Mapped[dict[str, object]] = mapped_column(SealedJson("idempotency_keys.response_body"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)


class PersonalDataRead(Base):
    """Every time personal data was shown unmasked: who, when, which case, which fields, why."""

    __tablename__ = "personal_data_reads"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    fields: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    # What the read was for: an API operation, or a data-subject request.
    purpose: Mapped[str] = mapped_column(String(64))

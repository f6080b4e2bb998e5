"""Rules as data: classification keywords, routing rules, severity floors, SLA policies, calendar."""

from datetime import date, datetime, time

from sqlalchemy import Date, Float, Integer, String, Time, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from complaints.db.base import Base


class ClassificationKeyword(Base):
    __tablename__ = "classification_keywords"
    __table_args__ = (UniqueConstraint("dimension", "value", "keyword"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # business_type, cause or flag; `value` is the member of that enum the keyword points to.
    dimension: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(64))
    keyword: Mapped[str] = mapped_column(String(100))
    # Order matters: the first business type with a hit wins.
    position: Mapped[int] = mapped_column(Integer)


class RoutingRule(Base):
    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    condition: Mapped[dict[str, object]] = mapped_column(JSONB)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    to_named_branch: Mapped[bool] = mapped_column(default=False)
    min_severity: Mapped[str | None] = mapped_column(String(16))


class SeverityFloor(Base):
    __tablename__ = "severity_floors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    condition: Mapped[dict[str, object]] = mapped_column(JSONB)
    at_least: Mapped[str] = mapped_column(String(16))


class SlaPolicy(Base):
    """One clock: how long a kind of deadline runs, for one severity or (severity NULL) for all."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("kind", "severity", postgresql_nulls_not_distinct=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str | None] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16))
    # Elapsed fractions at which a warning is recorded (临期预警).
    warn_at: Mapped[list[float]] = mapped_column(ARRAY(Float))


class CalendarDay(Base):
    """An organisation's override of the statutory calendar: an extra closure or workday."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(200))


class CalendarYear(Base):
    """A year the organisation describes itself because chinese-calendar does not cover it yet."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note: Mapped[str | None] = mapped_column(String(200))


class ConfigVersion(Base):
    """Each configuration that was applied: applying the same file again is recognised and skipped."""

    __tablename__ = "config_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(500))
    applied_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # The file's `reporting` section (targets, customer numbers) as it was applied.
    reporting: Mapped[dict[str, object]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class CalendarSettings(Base):
    """The organisation's business hours and the regional calendar it follows (one row)."""

    __tablename__ = "calendar_settings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    # Both or neither: the lunch break left out of working hours.
    lunch_starts: Mapped[time | None] = mapped_column(Time)
    lunch_ends: Mapped[time | None] = mapped_column(Time)
    region: Mapped[str | None] = mapped_column(String(100))


class RegionalCalendarDay(Base):
    """A day of the regional calendar: between the national schedule and the organisation's own."""

    __tablename__ = "regional_calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(200))


class BreachPolicy(Base):
    """What a breach of one kind of clock sets off; kind '*' is the default for every other."""

    __tablename__ = "sla_breach_actions"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    actions: Mapped[list[str]] = mapped_column(ARRAY(String(32)))

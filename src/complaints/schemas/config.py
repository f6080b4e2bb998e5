"""The declarative configuration file (`complaints config apply FILE`)."""

import re
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.vocabulary import (
    BusinessType,
    Cause,
    Channel,
    DeadlineKind,
    Flag,
    Role,
    Severity,
    Source,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class PersonConfig(Strict):
    staff_id: Code
    name: str
    role: Role
    contact: str | None = None
    available: bool = True


class UnitConfig(Strict):
    code: Code
    name: str
    name_en: str | None = None
    kind: Literal["department", "branch"] = "department"
    default: bool = False
    people: list[PersonConfig] = []


class ConditionConfig(Strict):
    flags_any: list[Flag] = []
    business_types: list[BusinessType] = []
    causes: list[Cause] = []
    channels: list[Channel] = []
    sources: list[Source] = []
    severities: list[Severity] = []
    branch_named: bool | None = None


class RoutingRuleConfig(Strict):
    name: str
    when: ConditionConfig
    unit: Code | None = None
    to_named_branch: bool = False
    min_severity: Severity | None = None

    @model_validator(mode="after")
    def one_target(self) -> Self:
        if (self.unit is None) == (not self.to_named_branch):
            raise ValueError("give exactly one of `unit` or `to_named_branch: true`")
        return self


class SeverityFloorConfig(Strict):
    name: str
    when: ConditionConfig
    at_least: Severity


class ClassificationConfig(Strict):
    business_types: dict[BusinessType, list[str]] = {}
    causes: dict[Cause, list[str]] = {}
    flags: dict[Flag, list[str]] = {}


_PERIOD = re.compile(r"^\s*(\d+)\s+(hours|days|working_days)\s*$")


def parse_period(text: str) -> Period:
    """'24 hours', '7 working_days', '15 days'."""
    match = _PERIOD.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a period like '24 hours', '15 days' or '7 working_days'")
    amount = int(match[1])
    if amount <= 0:
        raise ValueError(f"{text!r}: a period must be longer than zero")
    return Period(amount, PeriodUnit(match[2]))


class ClockConfig(Strict):
    """One deadline kind: either one period for every severity (`all`) or one per severity."""

    all: str | None = None
    general: str | None = None
    important: str | None = None
    urgent: str | None = None
    major: str | None = None
    warn_at: list[float] | None = None

    @field_validator("all", "general", "important", "urgent", "major")
    @classmethod
    def valid_period(cls, value: str | None) -> str | None:
        if value is not None:
            parse_period(value)
        return value

    @model_validator(mode="after")
    def complete(self) -> Self:
        per_severity = [self.general, self.important, self.urgent, self.major]
        if self.all is not None and any(per_severity):
            raise ValueError("give either `all` or per-severity periods, not both")
        if self.all is None and not all(per_severity):
            raise ValueError("give `all` or a period for every severity")
        return self

    def periods(self) -> dict[Severity | None, Period]:
        if self.all is not None:
            return {None: parse_period(self.all)}
        return {severity: parse_period(getattr(self, severity.value)) for severity in Severity}


class WarnThresholds(Strict):
    warn_at: list[Annotated[float, Field(gt=0, lt=1)]] = [0.5, 0.8]

    @field_validator("warn_at")
    @classmethod
    def increasing(cls, value: list[float]) -> list[float]:
        if value != sorted(set(value)):
            raise ValueError("warning thresholds must be strictly increasing")
        return value


class SlaConfig(WarnThresholds):
    clocks: dict[DeadlineKind, ClockConfig]


class CalendarDayConfig(Strict):
    day: date
    note: str | None = None


class CalendarYearConfig(Strict):
    year: int = Field(ge=2000, le=2100)
    note: str | None = None


class CalendarConfig(Strict):
    declared_years: list[CalendarYearConfig] = []
    holidays: list[CalendarDayConfig] = []
    workdays: list[CalendarDayConfig] = []

    @model_validator(mode="after")
    def disjoint(self) -> Self:
        both = {d.day for d in self.holidays} & {d.day for d in self.workdays}
        if both:
            raise ValueError(f"days both holiday and workday: {sorted(both)}")
        return self


class OrganisationConfig(Strict):
    version: Literal[1] = 1
    units: list[UnitConfig]
    classification: ClassificationConfig = ClassificationConfig()
    severity_floors: list[SeverityFloorConfig] = []
    routing_rules: list[RoutingRuleConfig] = []
    sla: SlaConfig
    calendar: CalendarConfig = CalendarConfig()

    @model_validator(mode="after")
    def consistent(self) -> Self:
        codes = [unit.code for unit in self.units]
        if len(codes) != len(set(codes)):
            raise ValueError("unit codes must be unique")
        if sum(unit.default for unit in self.units) != 1:
            raise ValueError("exactly one unit must be `default: true` (the complaint centre)")
        staff = [p.staff_id for unit in self.units for p in unit.people]
        if len(staff) != len(set(staff)):
            raise ValueError("staff ids must be unique across units")
        for rule in self.routing_rules:
            if rule.unit is not None and rule.unit not in codes:
                raise ValueError(f"routing rule {rule.name!r} names unknown unit {rule.unit!r}")
        names = [rule.name for rule in self.routing_rules]
        if len(names) != len(set(names)):
            raise ValueError("routing rule names must be unique")
        return self

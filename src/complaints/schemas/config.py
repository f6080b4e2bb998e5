"""The declarative configuration file (`complaints config apply FILE`)."""

import re
from datetime import date, time
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from complaints.domain.calendar import BusinessHours
from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.routing import Condition
from complaints.domain.rulebook import DEFAULT_ON_BREACH
from complaints.domain.vocabulary import (
    BreachAction,
    BusinessType,
    CardKind,
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
    # The customers the unit serves (a branch's): its complaints per 10,000 customers.
    customers: int | None = Field(default=None, ge=1)
    people: list[PersonConfig] = []


class ConditionConfig(Strict):
    flags_any: list[Flag] = []
    business_types: list[BusinessType] = []
    causes: list[Cause] = []
    channels: list[Channel] = []
    sources: list[Source] = []
    severities: list[Severity] = []
    # e.g. [credit] for the card centre: debit cards are an outlet's accounts, not its business.
    card_kinds: list[CardKind] = []
    branch_named: bool | None = None

    def domain(self) -> Condition:
        """The pure routing's condition (the rulebook reads stored conditions back through this)."""
        return Condition(
            flags_any=frozenset(self.flags_any),
            business_types=frozenset(self.business_types),
            causes=frozenset(self.causes),
            channels=frozenset(self.channels),
            sources=frozenset(self.sources),
            severities=frozenset(self.severities),
            card_kinds=frozenset(self.card_kinds),
            branch_named=self.branch_named,
        )


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


_PERIOD = re.compile(r"^\s*([+-]?\d+)\s+([A-Za-z_]+)\s*$")
_UNITS = ", ".join(unit.value for unit in PeriodUnit)


def parse_period(text: str) -> Period:
    """'24 hours', '8 working_hours', '7 working_days', '15 days'."""
    match = _PERIOD.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a period like '24 hours', '8 working_hours', '15 days' or '7 working_days'"
        )
    amount = int(match[1])
    if match[2] not in PeriodUnit.__members__.values():
        raise ValueError(f"{text!r}: unknown unit {match[2]!r}; use one of {_UNITS}")
    if amount <= 0:
        raise ValueError(f"{text!r}: a period must be longer than zero")
    return Period(amount, PeriodUnit(match[2]))


def _no_repeats(actions: list[BreachAction]) -> list[BreachAction]:
    if len(set(actions)) != len(actions):
        raise ValueError("each breach action may be listed once")
    return actions


BreachActions = Annotated[
    list[BreachAction],
    AfterValidator(_no_repeats),
    Field(description="What a breach sets off, in order: " + ", ".join(BreachAction)),
]


class ClockConfig(Strict):
    """One deadline kind: either one period for every severity (`all`) or one per severity."""

    all: str | None = None
    general: str | None = None
    important: str | None = None
    urgent: str | None = None
    major: str | None = None
    warn_at: list[float] | None = None
    # None: the policy-wide `sla.on_breach`.
    on_breach: BreachActions | None = None

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
    # For every clock without its own `on_breach`, promises and upstream deadlines included.
    on_breach: BreachActions = list(DEFAULT_ON_BREACH)


def _calendar_date(value: object) -> object:
    # Lax pydantic would read 20260101 as seconds since 1970: a date is written YYYY-MM-DD.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    return value


class CalendarDayConfig(Strict):
    day: Annotated[date, BeforeValidator(_calendar_date)]
    note: str | None = None


class CalendarYearConfig(Strict):
    year: int = Field(ge=2000, le=2100)
    note: str | None = None


def _clock_time(value: object) -> object:
    # YAML 1.1 reads an unquoted 12:00 as the base-60 integer 720; refuse to guess what it meant.
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(
            f"YAML read this time as the number {value} (an unquoted HH:MM from 10:00 on is base 60); "
            "quote it, e.g. '12:00'"
        )
    if isinstance(value, str) and not re.fullmatch(r"\d{2}:\d{2}", value.strip()):
        raise ValueError(f"{value!r} is not a time of day like '09:00'")
    return value


ClockTime = Annotated[time, BeforeValidator(_clock_time)]


class LunchConfig(Strict):
    starts: ClockTime
    ends: ClockTime


class BusinessHoursConfig(Strict):
    """When working hours count, on working days (the `working_hours` unit)."""

    opens: ClockTime = time(9)
    closes: ClockTime = time(17, 30)
    lunch: LunchConfig | None = LunchConfig(starts=time(12), ends=time(13, 30))

    @model_validator(mode="after")
    def ordered(self) -> Self:
        self.domain()  # raises ValueError with the reason
        return self

    def domain(self) -> BusinessHours:
        lunch = (self.lunch.starts, self.lunch.ends) if self.lunch is not None else None
        return BusinessHours(opens=self.opens, closes=self.closes, lunch=lunch)


def _disjoint(holidays: list[CalendarDayConfig], workdays: list[CalendarDayConfig]) -> None:
    both = {d.day for d in holidays} & {d.day for d in workdays}
    if both:
        raise ValueError(f"days both holiday and workday: {sorted(both)}")


class RegionConfig(Strict):
    """A regional calendar over the national one (e.g. a province's own festival days)."""

    name: str = Field(min_length=1, max_length=100)
    holidays: list[CalendarDayConfig] = []
    workdays: list[CalendarDayConfig] = []

    @model_validator(mode="after")
    def disjoint(self) -> Self:
        _disjoint(self.holidays, self.workdays)
        return self


class CalendarConfig(Strict):
    declared_years: list[CalendarYearConfig] = []
    holidays: list[CalendarDayConfig] = []
    workdays: list[CalendarDayConfig] = []
    business_hours: BusinessHoursConfig = BusinessHoursConfig()
    region: RegionConfig | None = None

    @model_validator(mode="after")
    def disjoint(self) -> Self:
        _disjoint(self.holidays, self.workdays)
        return self


class TargetsConfig(Strict):
    """The measures' targets (DOMAIN.md "Measures"); recurrence is a ceiling, the rest floors."""

    timeliness: float = Field(default=0.98, ge=0, le=1)
    first_contact_resolution: float = Field(default=0.95, ge=0, le=1)
    satisfaction: float = Field(default=0.90, ge=0, le=1)
    recurrence: float = Field(default=0.05, ge=0, le=1)


class ReportingConfig(Strict):
    # The whole organisation's customers: complaints per 10,000 customers.
    customers: int | None = Field(default=None, ge=1)
    targets: TargetsConfig = TargetsConfig()


class OrganisationConfig(Strict):
    version: Literal[1] = 1
    units: list[UnitConfig]
    classification: ClassificationConfig = ClassificationConfig()
    severity_floors: list[SeverityFloorConfig] = []
    routing_rules: list[RoutingRuleConfig] = []
    sla: SlaConfig
    calendar: CalendarConfig = CalendarConfig()
    reporting: ReportingConfig = ReportingConfig()

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

"""The applied configuration, read back as the pure domain's objects."""

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import (
    BreachPolicy,
    CalendarDay,
    CalendarSettings,
    CalendarYear,
    ClassificationKeyword,
    ConfigVersion,
    OrgUnit,
    RegionalCalendarDay,
    RoutingRule,
    SeverityFloor,
    SlaPolicy,
    StaffMember,
)
from complaints.domain import routing
from complaints.domain.calendar import BusinessCalendar, BusinessHours
from complaints.domain.classification import KeywordRules
from complaints.domain.deadlines import Period, PeriodUnit
from complaints.domain.rulebook import Clock, Person, Rulebook
from complaints.domain.vocabulary import (
    BreachAction,
    BusinessType,
    Cause,
    DeadlineKind,
    Flag,
    Role,
    Severity,
)
from complaints.errors import ComplaintsError
from complaints.schemas.config import ConditionConfig


class NotConfigured(ComplaintsError):
    """No configuration has been applied yet (`complaints config apply FILE`)."""


def condition(data: Mapping[str, object]) -> routing.Condition:
    return ConditionConfig.model_validate(data).domain()


async def current_version(session: AsyncSession) -> int | None:
    return await session.scalar(select(func.max(ConfigVersion.id)))


async def load_rulebook(session: AsyncSession, *, zone: ZoneInfo) -> Rulebook:
    version = await current_version(session)
    if version is None:
        raise NotConfigured("no configuration applied; run `complaints config apply FILE`")
    keywords: dict[str, dict[str, list[str]]] = {"business_type": {}, "cause": {}, "flag": {}}
    for kw in await session.scalars(select(ClassificationKeyword).order_by(ClassificationKeyword.position)):
        keywords[kw.dimension].setdefault(kw.value, []).append(kw.keyword)
    units = (await session.scalars(select(OrgUnit).order_by(OrgUnit.code))).all()
    unit_codes = {unit.id: unit.code for unit in units}
    people = [
        Person(h.staff_id, h.name, unit_codes[h.unit_id], Role(h.role), h.contact, h.available)
        for h in await session.scalars(select(StaffMember).order_by(StaffMember.id))
    ]
    days = (await session.scalars(select(CalendarDay))).all()
    regional = (await session.scalars(select(RegionalCalendarDay))).all()
    hours = await session.scalar(select(CalendarSettings))
    return Rulebook(
        version=version,
        keywords=KeywordRules(
            business_types={BusinessType(k): tuple(v) for k, v in keywords["business_type"].items()},
            causes={Cause(k): tuple(v) for k, v in keywords["cause"].items()},
            flags={Flag(k): tuple(v) for k, v in keywords["flag"].items()},
        ),
        floors=tuple(
            routing.SeverityFloor(name=f.name, when=condition(f.condition), at_least=Severity(f.at_least))
            for f in await session.scalars(select(SeverityFloor).order_by(SeverityFloor.id))
        ),
        rules=tuple(
            routing.RoutingRule(
                name=r.name,
                when=condition(r.condition),
                unit=r.unit_code,
                to_named_branch=r.to_named_branch,
                min_severity=Severity(r.min_severity) if r.min_severity else None,
            )
            for r in await session.scalars(select(RoutingRule).order_by(RoutingRule.position))
        ),
        default_unit=next(unit.code for unit in units if unit.is_default),
        units={unit.code: unit.kind for unit in units},
        unit_names={unit.code: unit.name for unit in units},
        people=tuple(people),
        clocks={
            (DeadlineKind(p.kind), Severity(p.severity) if p.severity else None): Clock(
                Period(p.amount, PeriodUnit(p.unit)), tuple(p.warn_at)
            )
            for p in await session.scalars(select(SlaPolicy))
        },
        calendar=BusinessCalendar(
            tz=zone,
            extra_holidays=frozenset(d.day for d in days if not d.is_workday),
            extra_workdays=frozenset(d.day for d in days if d.is_workday),
            declared_years=frozenset(await session.scalars(select(CalendarYear.year))),
            hours=_business_hours(hours),
            region=hours.region if hours else None,
            regional_holidays=frozenset(d.day for d in regional if not d.is_workday),
            regional_workdays=frozenset(d.day for d in regional if d.is_workday),
        ),
        breach_actions={
            policy.kind: tuple(BreachAction(action) for action in policy.actions)
            for policy in await session.scalars(select(BreachPolicy))
        },
    )


def _business_hours(row: CalendarSettings | None) -> BusinessHours:
    if row is None:  # a configuration applied before business hours existed
        return BusinessHours()
    lunch = None
    if row.lunch_starts is not None and row.lunch_ends is not None:
        lunch = (row.lunch_starts, row.lunch_ends)
    return BusinessHours(opens=row.opens, closes=row.closes, lunch=lunch)


class RulebookCache:
    """Workers reuse the rulebook until a newer configuration is applied (one cheap query)."""

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone
        self._rulebook: Rulebook | None = None

    async def get(self, session: AsyncSession) -> Rulebook:
        version = await current_version(session)
        if self._rulebook is None or self._rulebook.version != version:
            self._rulebook = await load_rulebook(session, zone=self._zone)
        return self._rulebook

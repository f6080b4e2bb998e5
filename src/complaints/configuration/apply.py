"""Apply a declarative configuration: replace the organisation's rules in one transaction."""

from datetime import date, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.configuration.config_file import LoadedConfig
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
from complaints.domain.calendar import BusinessCalendar
from complaints.domain.rulebook import DEFAULT_BREACH_POLICY
from complaints.errors import CalendarNotCovered, InvalidInput
from complaints.schemas.config import OrganisationConfig

# Deadlines set today can end this far ahead (15 days extended to 60, plus working-day
# clocks over holidays): the calendar must describe every day of it.
CALENDAR_HORIZON = timedelta(days=120)


async def apply_config(session: AsyncSession, *, loaded: LoadedConfig, today: date) -> bool:
    """Returns False when this exact file is already the applied configuration."""
    # Two concurrent applies would interleave deletes and inserts: take turns.
    await session.execute(text("LOCK TABLE config_versions IN EXCLUSIVE MODE"))
    latest = await session.scalar(select(ConfigVersion.sha256).order_by(ConfigVersion.id.desc()).limit(1))
    if latest == loaded.sha256:
        return False
    config = loaded.config
    check_calendar(config, today=today)
    await _replace_units(session, config)
    await _replace_rules(session, config)
    session.add(
        ConfigVersion(
            sha256=loaded.sha256, source=loaded.source, reporting=config.reporting.model_dump(mode="json")
        )
    )
    await session.flush()
    return True


def check_calendar(config: OrganisationConfig, *, today: date) -> None:
    region = config.calendar.region
    calendar = BusinessCalendar(
        extra_holidays=frozenset(d.day for d in config.calendar.holidays),
        extra_workdays=frozenset(d.day for d in config.calendar.workdays),
        declared_years=frozenset(y.year for y in config.calendar.declared_years),
        hours=config.calendar.business_hours.domain(),
        region=region.name if region else None,
        regional_holidays=frozenset(d.day for d in region.holidays) if region else frozenset(),
        regional_workdays=frozenset(d.day for d in region.workdays) if region else frozenset(),
    )
    try:
        calendar.ensure_covers(today, today + CALENDAR_HORIZON)
    except CalendarNotCovered as error:
        raise InvalidInput(f"calendar: {error}", field="calendar.declared_years") from error


async def _replace_units(session: AsyncSession, config: OrganisationConfig) -> None:
    await session.execute(delete(StaffMember))
    codes = [unit.code for unit in config.units]
    await session.execute(delete(OrgUnit).where(OrgUnit.code.not_in(codes)))
    for unit in config.units:
        values = {
            "code": unit.code,
            "name": unit.name,
            "name_en": unit.name_en,
            "kind": unit.kind,
            "is_default": unit.default,
            "customers": unit.customers,
        }
        unit_id = await session.scalar(
            insert(OrgUnit)
            .values(values)
            .on_conflict_do_update(index_elements=[OrgUnit.code], set_=values)
            .returning(OrgUnit.id)
        )
        session.add_all(
            StaffMember(
                staff_id=person.staff_id,
                name=person.name,
                unit_id=unit_id,
                role=person.role,
                contact=person.contact,
                available=person.available,
            )
            for person in unit.people
        )


async def _replace_rules(session: AsyncSession, config: OrganisationConfig) -> None:
    for table in (
        ClassificationKeyword,
        SeverityFloor,
        RoutingRule,
        SlaPolicy,
        BreachPolicy,
        CalendarDay,
        CalendarYear,
        CalendarSettings,
        RegionalCalendarDay,
    ):
        await session.execute(delete(table))
    classification = config.classification
    position = 0
    for dimension, mapping in (
        ("business_type", classification.business_types),
        ("cause", classification.causes),
        ("flag", classification.flags),
    ):
        for value, keywords in mapping.items():
            for keyword in dict.fromkeys(keywords):
                position += 1
                session.add(
                    ClassificationKeyword(
                        dimension=dimension, value=value, keyword=keyword, position=position
                    )
                )
    session.add_all(
        SeverityFloor(name=f.name, condition=f.when.model_dump(mode="json"), at_least=f.at_least)
        for f in config.severity_floors
    )
    session.add_all(
        RoutingRule(
            name=rule.name,
            position=index,
            condition=rule.when.model_dump(mode="json"),
            unit_code=rule.unit,
            to_named_branch=rule.to_named_branch,
            min_severity=rule.min_severity,
        )
        for index, rule in enumerate(config.routing_rules)
    )
    for kind, clock in config.sla.clocks.items():
        warn_at = clock.warn_at if clock.warn_at is not None else config.sla.warn_at
        for severity, period in clock.periods().items():
            session.add(
                SlaPolicy(
                    kind=kind,
                    severity=severity,
                    amount=period.amount,
                    unit=period.unit,
                    warn_at=list(warn_at),
                )
            )
    session.add(BreachPolicy(kind=DEFAULT_BREACH_POLICY, actions=list(config.sla.on_breach)))
    session.add_all(
        BreachPolicy(kind=kind, actions=list(clock.on_breach))
        for kind, clock in config.sla.clocks.items()
        if clock.on_breach is not None
    )
    calendar = config.calendar
    session.add_all(CalendarYear(year=y.year, note=y.note) for y in calendar.declared_years)
    session.add_all(CalendarDay(day=d.day, is_workday=False, note=d.note) for d in calendar.holidays)
    session.add_all(CalendarDay(day=d.day, is_workday=True, note=d.note) for d in calendar.workdays)
    hours, region = calendar.business_hours, calendar.region
    session.add(
        CalendarSettings(
            id=1,
            opens=hours.opens,
            closes=hours.closes,
            lunch_starts=hours.lunch.starts if hours.lunch else None,
            lunch_ends=hours.lunch.ends if hours.lunch else None,
            region=region.name if region else None,
        )
    )
    if region is not None:
        session.add_all(
            RegionalCalendarDay(day=d.day, is_workday=False, note=d.note) for d in region.holidays
        )
        session.add_all(RegionalCalendarDay(day=d.day, is_workday=True, note=d.note) for d in region.workdays)
    await session.flush()

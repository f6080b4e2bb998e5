"""`complaints config apply`: idempotent, all-or-nothing, errors that name the line."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from complaints.configuration.apply import apply_config
from complaints.configuration.config_file import DEMO_CONFIG, load_config
from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import ConfigVersion, OrgUnit, RoutingRule, SlaPolicy, StaffMember
from complaints.errors import InvalidInput
from complaints.settings import Settings
from tests.factories import TODAY


def variant(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(DEMO_CONFIG.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def counts(sessions: SessionFactory) -> tuple[int, ...]:
    async with sessions() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(model)) or 0
                for model in (ConfigVersion, OrgUnit, StaffMember, RoutingRule, SlaPolicy)
            ]
        )


async def test_the_demo_bank_loads_as_a_rulebook(sessions: SessionFactory, settings: Settings) -> None:
    async with sessions() as session:
        rulebook = await load_rulebook(session, zone=settings.zone)

    departments = [
        "HQ-CP",
        "HQ-CARD",
        "HQ-LOAN",
        "HQ-WM",
        "HQ-EBANK",
        "HQ-OPS",
        "HQ-COMP",
        "HQ-LEGAL",
        "HQ-PR",
    ]
    assert sorted(rulebook.units) == sorted([*departments, "BR-001", "BR-002", "BR-003"])
    assert rulebook.default_unit == "HQ-CP"
    assert [r.name for r in rulebook.rules][:3] == ["information-security", "personal-information", "media"]
    assert rulebook.calendar.is_workday(date(2026, 10, 10))  # a make-up Saturday
    assert not rulebook.calendar.is_workday(date(2027, 1, 1))  # the declared provisional 2027


async def test_applying_the_same_file_again_changes_nothing(sessions: SessionFactory) -> None:
    before = await counts(sessions)
    async with unit_of_work(sessions) as session:
        changed = await apply_config(session, loaded=load_config(DEMO_CONFIG), today=TODAY)

    assert changed is False
    assert await counts(sessions) == before


async def test_a_changed_file_replaces_the_configuration_and_is_versioned(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    data = yaml.safe_load(DEMO_CONFIG.read_text(encoding="utf-8"))
    data["units"][1]["people"][0]["available"] = False
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    versions, units, handlers, rules, policies = await counts(sessions)
    try:
        async with unit_of_work(sessions) as session:
            assert await apply_config(session, loaded=load_config(path), today=TODAY) is True
        assert await counts(sessions) == (versions + 1, units, handlers, rules, policies)
        async with sessions() as session:
            away = await session.scalar(select(StaffMember).where(StaffMember.staff_id == "CC001"))
        assert away is not None
        assert away.available is False
    finally:
        async with unit_of_work(sessions) as session:
            await apply_config(session, loaded=load_config(DEMO_CONFIG), today=TODAY)


def test_errors_name_the_line_and_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8").replace(
            "first_response: {general: 24 hours", "first_response: {general: 0 hours"
        ),
        encoding="utf-8",
    )
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "first_response:" in text)

    with pytest.raises(InvalidInput) as error:
        load_config(path)

    assert f"bad.yaml:{line}: sla.clocks.first_response.general" in str(error.value)
    assert "longer than zero" in str(error.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"routing_rules": [{"name": "x", "when": {}, "unit": "HQ-NOPE"}]}, "unknown unit 'HQ-NOPE'"),
        ({"calendar": {"holidays": [{"day": "2026-02-30"}]}}, "calendar.holidays.0.day"),
        ({"severity_floors": [{"name": "x", "when": {}, "at_least": "apocalyptic"}]}, "at_least"),
    ],
)
def test_invalid_files_are_rejected(tmp_path: Path, change: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        load_config(variant(tmp_path, change))


async def test_a_calendar_that_does_not_cover_the_coming_months_is_rejected_whole(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    path = variant(tmp_path, {"calendar": {}})
    before = await counts(sessions)

    with pytest.raises(InvalidInput, match="2027"):
        async with unit_of_work(sessions) as session:
            await apply_config(session, loaded=load_config(path), today=date(2026, 11, 23))

    assert await counts(sessions) == before


def test_the_command_applies_a_file_and_reports_errors(settings: Settings, tmp_path: Path) -> None:
    env = {"COMPLAINTS_DATABASE_URL": settings.require_database_url(), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "complaints.cli.main", "config", "apply"]

    same = subprocess.run([*command, str(DEMO_CONFIG)], env=env, capture_output=True, text=True)
    bad = subprocess.run(
        [*command, str(variant(tmp_path, {"units": []}))], env=env, capture_output=True, text=True
    )

    assert (same.returncode, same.stdout.strip()) == (0, "configuration unchanged (already applied)")
    assert bad.returncode == 2
    assert "exactly one unit must be `default: true`" in bad.stderr

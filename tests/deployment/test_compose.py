"""compose.yaml: parses, and wires Postgres, Redis, the migration step, the API and both workers."""

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APPS = {"api": "api", "routing-worker": "routing-worker", "sla-worker": "sla-worker"}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def test_every_part_of_the_system_is_a_service(services: dict[str, dict[str, Any]]) -> None:
    assert {"postgres", "redis", "migrate", *APPS} <= set(services)


@pytest.mark.parametrize(("service", "role"), APPS.items())
def test_the_apps_run_their_role_from_the_image_after_the_migration(
    services: dict[str, dict[str, Any]], service: str, role: str
) -> None:
    app = services[service]
    assert app["build"] == "."
    assert app["command"] == [role]
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert app["healthcheck"]["test"] == ["CMD", "complaints", "healthcheck", role]
    environment = app["environment"]
    assert environment["COMPLAINTS_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert environment["COMPLAINTS_REDIS_URL"].startswith("redis://redis:")
    # Long enough for a worker's drain (20 s) and uvicorn's graceful shutdown.
    assert app["stop_grace_period"] == "30s"


def test_the_migration_step_migrates_and_loads_the_demo_bank_once_postgres_is_up(
    services: dict[str, dict[str, Any]],
) -> None:
    migrate = services["migrate"]
    script = " ".join(migrate["command"])
    assert "complaints migrate" in script
    assert "complaints config apply /app/src/complaints/demo/reference_bank.yaml" in script
    assert (ROOT / "src/complaints/demo/reference_bank.yaml").exists()
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_servers_have_health_checks_and_keep_their_data(services: dict[str, dict[str, Any]]) -> None:
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]
        assert services[name]["volumes"]
        assert ":" in services[name]["image"]
        assert not services[name]["image"].endswith(":latest")

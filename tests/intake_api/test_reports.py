"""`/v1/reports/...` over HTTP: real cases through intake and routing, the demo bank's targets,
and bad input answered with what would have been allowed. The measures themselves are
checked on hand-built cases in tests/complaints/reports/test_report_measures.py."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.reports import facts as report_facts
from complaints.schemas.keys import Permission
from complaints.schemas.reports import Dimension
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.clock import CLOCK, FrozenClock
from tests.factories import auth, make_key
from tests.intake_api.handling import ok, routed

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def snapshot(sessions: SessionFactory) -> None:
    async with unit_of_work(sessions) as session:
        await report_facts.refresh(session, now=CLOCK(), timezone=SHANGHAI)


@pytest.fixture
async def two_cases(client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory) -> list[str]:
    """A card complaint resolved at once, and one about a branch's service still open."""
    card = await routed(client, settings)
    await ok(client, card, "accept", actor="CC001")
    await ok(client, card, "resolve", outcome="explanation", verdict="valid", reply="已解释年费规则")
    branch = await routed(
        client, settings, content="城东支行柜员服务态度差", demand=None, branch_code="BR-001"
    )
    await snapshot(sessions)
    return [card, branch]


async def test_summary_measures_against_the_configured_targets(
    client: httpx.AsyncClient, two_cases: list[str], clock: FrozenClock
) -> None:
    response = await client.get("/v1/reports/summary")

    assert response.status_code == 200, response.text
    body = response.json()
    # By default the month so far, in the organisation's zone: today's cases are in it.
    assert (body["first"], body["last"]) == (str(clock.today.replace(day=1)), str(clock.today))
    assert body["totals"]["volume"] == 2
    assert body["totals"]["resolved"] == 1
    assert body["totals"]["per_10k_customers"] == pytest.approx(2 * 10_000 / 2_400_000)
    targets = {m["measure"]: (m["target"], m["comparison"]) for m in body["measures"]}
    assert targets == {
        "timeliness": (0.98, "at_least"),
        "first_contact_resolution": (0.95, "at_least"),
        "satisfaction": (0.9, "at_least"),
        "recurrence": (0.05, "below"),
        "rework": (None, "below"),
    }
    fcr = next(m for m in body["measures"] if m["measure"] == "first_contact_resolution")
    assert (fcr["numerator"], fcr["denominator"], fcr["value"], fcr["met"]) == (1, 1, 1.0, True)
    assert body["as_of"] is not None


async def test_breakdown_by_unit_and_a_filter(client: httpx.AsyncClient, two_cases: list[str]) -> None:
    units = (await client.get("/v1/reports/breakdown", params={"dimension": "unit"})).json()
    card = (await client.get("/v1/reports/summary", params={"business_type": "bank_cards"})).json()

    assert sorted(row["key"] for row in units["rows"]) == ["BR-001", "HQ-CARD"]
    branch = next(row for row in units["rows"] if row["key"] == "BR-001")
    assert branch["totals"]["per_10k_customers"] == pytest.approx(10_000 / 180_000)
    assert card["totals"]["volume"] == 1


async def test_every_report_answers(client: httpx.AsyncClient, two_cases: list[str]) -> None:
    for path, params in (
        ("/v1/reports/trend", {"grain": "day", "dimension": "channel"}),
        ("/v1/reports/matrix", {"rows": "branch", "columns": "business_type"}),
        ("/v1/reports/pareto", {}),
        ("/v1/reports/league", {"by": "handler"}),
        ("/v1/reports/clusters", {"kind": "group"}),
        ("/v1/reports/overdue", {}),
    ):
        response = await client.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
    pareto = (await client.get("/v1/reports/pareto")).json()
    assert sum(cause["count"] for cause in pareto["causes"]) == 2


async def test_a_branch_key_reports_on_its_own_cases(
    client: httpx.AsyncClient, sessions: SessionFactory, two_cases: list[str]
) -> None:
    key = await make_key(sessions, scopes={Permission.REPORTS}, unit="BR-001")

    response = await client.get("/v1/reports/summary", headers=auth(key))

    assert response.json()["totals"]["volume"] == 1


async def test_reports_need_the_reports_scope(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    key = await make_key(sessions, scopes={Permission.READ, Permission.HANDLE})

    assert_problem(await client.get("/v1/reports/summary", headers=auth(key)), 403)


async def test_a_matrix_needs_two_different_dimensions(client: httpx.AsyncClient) -> None:
    same = await client.get("/v1/reports/matrix", params={"rows": "branch", "columns": "branch"})

    assert "branch" not in assert_problem(same, 422, field="columns")["allowed"]


async def test_an_unknown_dimension_lists_the_allowed_ones(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/v1/reports/breakdown", params={"dimension": "colour"}), 422)

    assert body["allowed"] == [d.value for d in Dimension]


@pytest.mark.parametrize(
    ("params", "field", "allowed"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "to", [">= 2026-03-31"]),
        ({"from": "2024-01-01", "to": "2025-06-30"}, "to", ["<= 2024-12-31"]),
    ],
)
async def test_a_bad_window_is_refused_with_what_would_do(
    client: httpx.AsyncClient, params: dict[str, str], field: str, allowed: list[str]
) -> None:
    body = assert_problem(await client.get("/v1/reports/summary", params=params), 422, field=field)

    assert body["allowed"] == allowed


@pytest.mark.calendar
async def test_the_default_window_is_the_month_so_far_and_none_starts_after_today(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    default = (await client.get("/v1/reports/summary")).json()
    ahead = {"from": str(clock.today + timedelta(days=1))}
    refused = assert_problem(await client.get("/v1/reports/summary", params=ahead), 422, field="from")

    assert (default["first"], default["last"]) == (str(clock.today.replace(day=1)), str(clock.today))
    assert refused["allowed"] == [f"<= {clock.today}"]


async def test_the_grain_limits_the_trends_window(client: httpx.AsyncClient) -> None:
    daily = await client.get(
        "/v1/reports/trend", params={"grain": "day", "from": "2026-01-01", "to": "2026-06-30"}
    )
    monthly = await client.get(
        "/v1/reports/trend", params={"grain": "month", "from": "2025-01-01", "to": "2026-06-30"}
    )

    assert assert_problem(daily, 422, field="to")["allowed"] == [
        f"<= {date(2026, 1, 1) + timedelta(days=91)}"
    ]
    assert monthly.status_code == 200, monthly.text
    assert len(monthly.json()["points"]) == 18


async def test_a_page_past_the_end_names_the_pages_there_are(
    client: httpx.AsyncClient, two_cases: list[str]
) -> None:
    last = await client.get("/v1/reports/league", params={"by": "unit", "page_size": 1, "page": 2})
    past = await client.get("/v1/reports/league", params={"by": "unit", "page_size": 1, "page": 3})

    assert last.status_code == 200, last.text
    assert last.json()["pages"] == 2
    assert assert_problem(past, 422, field="page")["allowed"] == ["1..2"]


@pytest.mark.parametrize("bad", ["0", "2026-13-01", "20260101", "1969-12-31"])
async def test_dates_are_calendar_days_as_yyyy_mm_dd(client: httpx.AsyncClient, bad: str) -> None:
    assert_problem(
        await client.get("/v1/reports/summary", params={"from": bad, "to": "2026-01-01"}), 422, field="from"
    )

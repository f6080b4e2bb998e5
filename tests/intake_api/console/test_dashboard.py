"""The dashboard page: five charts from the report snapshot, for the whole bank and for a unit."""

import re
from zoneinfo import ZoneInfo

import httpx

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.reports import facts as report_facts
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.intake_api.console.helpers import sign_in
from tests.intake_api.handling import routed


async def _refresh(sessions: SessionFactory) -> None:
    async with unit_of_work(sessions) as session:
        await report_facts.refresh(session, now=CLOCK(), timezone=ZoneInfo("Asia/Shanghai"))


def _charts(page: httpx.Response) -> list[str]:
    return re.findall(r'<figure data-chart="([a-z]+)"', page.text)


async def test_the_dashboard_draws_five_charts_over_what_the_person_sees(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    await routed(client, settings, branch_code="BR-001")  # HQ-CARD, at a branch
    await _refresh(sessions)

    await sign_in(browser, "CP001")  # the complaint centre: every unit
    page = await browser.get("/console/dashboard")
    assert page.status_code == 200
    assert _charts(page) == ["volume", "timeliness", "satisfaction", "pareto", "heatmap"]
    heat = page.text.split('data-chart="heatmap"')[1]
    assert "BR-001" in heat
    assert 'class="mark"' in heat

    await browser.post("/console/logout", data={"csrf_token": browser.cookies["complaints_csrf"]})
    await sign_in(browser, "OP001")  # HQ-OPS: none of those cases
    mine = await browser.get("/console/dashboard", params={"days": 7})
    assert mine.status_code == 200
    assert "BR-001" not in mine.text.split('data-chart="heatmap"')[1]

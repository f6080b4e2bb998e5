"""The staff console in a real browser: Debian's headless Chromium, driven by Playwright, against
a real uvicorn. Sign in, open the queue and a routed case, accept it and see the event, then
open the dashboard and check that each of its five SVG charts is drawn, with data marks, in
Chinese and in English. A full-page screenshot of the dashboard is left in test-output/."""

from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.reports import facts as report_facts
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.e2e.test_web_browser import CHROMIUM, CHROMIUM_ARGS, pytestmark, server
from tests.factories import ADMIN_KEY
from tests.intake_api.console.helpers import PASSWORD, give_password
from tests.intake_api.handling import ok, routed

__all__ = ["pytestmark", "server"]

SCREENSHOT = Path(__file__).resolve().parents[2] / "test-output" / "console-dashboard.png"
CHARTS = ("volume", "timeliness", "satisfaction", "pareto", "heatmap")


async def _cases(server: str, settings: Settings, sessions: SessionFactory) -> str:
    """A case waiting for CC001 to accept it, and one at a branch resolved and called back."""
    async with httpx.AsyncClient(base_url=server, headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as api:
        waiting = await routed(api, settings)
        done = await routed(api, settings, branch_code="BR-001", content="在城东支行办理信用卡被收取年费")
        await ok(api, done, "accept", actor="CC001")
        await ok(api, done, "resolve", actor="CC001", outcome="explanation", verdict="valid", reply="已退还")
        await ok(api, done, "callback", actor="CC001", satisfaction="satisfied")
    async with unit_of_work(sessions) as session:
        await report_facts.refresh(session, now=CLOCK(), timezone=ZoneInfo("Asia/Shanghai"))
    return waiting


async def test_a_handler_works_a_case_and_reads_the_dashboard(
    server: str, settings: Settings, sessions: SessionFactory
) -> None:
    from playwright.async_api import async_playwright

    number = await _cases(server, settings, sessions)
    await give_password(sessions, "CC001")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(f"{server}/console")
            assert page.url.startswith(f"{server}/console/login")
            await page.fill("#staff_id", "CC001")
            await page.fill("#password", PASSWORD)
            await page.click("#sign-in")
            await page.wait_for_selector("#queue")
            assert "工作队列" in await page.inner_text("h1")

            await page.click(f"a.case-link:text-is('{number}')")
            await page.wait_for_selector("#case-number")
            assert await page.get_attribute("#case-status", "data-status") == "assigned"
            assert await page.locator("#clocks tr[data-clock]").count() > 0
            await page.click("#do-accept")
            await page.wait_for_selector("#flash")
            assert await page.get_attribute("#case-status", "data-status") == "accepted"
            last = page.locator("#events tr.event").last
            assert await last.get_attribute("data-actor") == "CC001"
            assert "已受理" in await last.inner_text()

            await page.click("#nav-dashboard")
            await page.wait_for_selector("figure[data-chart]")
            for name in CHARTS:
                svg = page.locator(f"figure[data-chart='{name}'] svg")
                box = await svg.bounding_box()
                assert box is not None, name
                assert box["width"] > 0, name
                assert box["height"] > 0, name
                assert await svg.locator(".mark").count() > 0, name
                assert await page.locator(f"figure[data-chart='{name}'] table").count() == 1
            SCREENSHOT.parent.mkdir(exist_ok=True)
            await page.screenshot(path=str(SCREENSHOT), full_page=True)
            print(f"dashboard screenshot: {SCREENSHOT}")

            await page.click("#language")
            await page.wait_for_selector("figure[data-chart='volume']")
            assert await page.inner_text("h1") == "Dashboard"
            assert await page.inner_text("#title-pareto") == "Pareto of causes"
        finally:
            await browser.close()

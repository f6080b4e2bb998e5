"""The web form in a real browser: Debian's headless Chromium, driven by Playwright, against a
real uvicorn on a loopback port. Fill in the form, attach a file, submit, read the case number
off the receipt, let the routing worker route it, look it up by case number and phone."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from tests.clock import FrozenClock
from tests.factories import ADMIN_KEY, run_routing_worker
from tests.intake_api.channels.helpers import reset_outbound, sent_sms
from tests.live_api import running_api

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (scripts/test installs it with apt-get where it can)",
    ),
]


@pytest.fixture
def server(settings: Settings, sessions: SessionFactory, clock: FrozenClock) -> Iterator[str]:
    """The API as production runs it: uvicorn with the app factory, in its own process, on the
    wall clock; the workers the test runs in-process follow it."""
    clock.follow_wall_clock()
    with running_api(settings, settings.data_dir) as api:
        yield api.base_url


async def test_a_complainant_files_on_the_web_and_looks_the_case_up(
    server: str, settings: Settings, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    reset_outbound(settings)
    photo = tmp_path / "账单截图.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(java_script_enabled=False)  # the form needs none
            await page.goto(f"{server}/complaint")
            assert "在线投诉" in await page.title() or "投诉" in await page.content()
            await page.fill("#name", "张三")
            await page.fill("#phone", "13812345678")
            await page.fill("#email", "zhangsan@example.cn")
            await page.select_option("#branch_code", "BR-002")
            await page.fill("#content", "信用卡年费未经同意被扣收，客服电话一直打不通。")
            await page.fill("#demand", "退还年费")
            await page.set_input_files("#attachments", str(photo))
            await page.click("#submit")
            await page.wait_for_selector("#case-number")
            number = (await page.inner_text("#case-number")).strip()
            assert number.startswith(settings.case_number_prefix)
            assert await page.inner_text("#reply-due")
            await page.screenshot(path=str(tmp_path / "receipt.png"))

            await run_routing_worker(settings)

            await page.goto(f"{server}/complaint/status")
            await page.fill("#case_number", number)
            await page.fill("#phone", "138-1234-5678")
            await page.click("#lookup")
            await page.wait_for_selector("#status-result")
            assert number in await page.inner_text("#case-number")
            assert "已分派至承办部门" in await page.inner_text("#case-status")

            await page.fill("#case_number", number)
            await page.fill("#phone", "13900000000")
            await page.click("#lookup")
            await page.wait_for_selector("#not-found")
        finally:
            await browser.close()

    [receipt] = await asyncio.to_thread(sent_sms, settings)
    assert receipt["to"] == "13812345678"
    assert number in "".join(receipt["parts"])
    async with httpx.AsyncClient(base_url=server, headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as api:
        case = (await api.get(f"/v1/complaints/{number}")).json()
    assert case["channel"] == "web"
    assert case["unit"] == "HQ-CARD"
    assert [a["filename"] for a in case["attachments"]] == ["账单截图.png"]

"""The web form over HTTP: CSRF, rate limit, validation, uploads, receipt, status, error pages.
(tests/e2e/test_web_browser.py drives the same pages in a real browser.)"""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Attachment, Case
from complaints.settings import Settings
from intake_api.app import create_app
from intake_api.channels.csrf import COOKIE
from tests.clock import CLOCK
from tests.factories import run_routing_worker
from tests.intake_api.channels.helpers import rows

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
FIELDS = {
    "name": "张三",
    "phone": "13812345678",
    "content": "信用卡年费未经同意被扣收，客服电话一直打不通",
    "demand": "退还年费",
}


@pytest.fixture
async def browser(settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client without the API key: the public, as a browser is."""
    app = create_app(settings, clock=CLOCK)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client


async def csrf_token(browser: httpx.AsyncClient) -> str:
    page = await browser.get("/complaint")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def submit(
    browser: httpx.AsyncClient,
    fields: dict[str, str],
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
) -> httpx.Response:
    token = await csrf_token(browser)
    return await browser.post("/complaint", data={**fields, "csrf_token": token}, files=files or [])


async def test_the_form_is_bilingual_and_sets_the_csrf_cookie(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/complaint")

    assert page.headers["content-type"].startswith("text/html")
    for label in ("投诉内容", "What happened", "手机号码", "Mobile phone", "城西支行", "West branch"):
        assert label in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


async def test_a_submission_opens_a_case_and_shows_its_receipt(
    browser: httpx.AsyncClient, sessions: SessionFactory, settings: Settings
) -> None:
    response = await submit(browser, FIELDS, files=[("attachments", ("账单.png", PNG, "image/png"))])

    assert response.status_code == 303, response.text
    receipt = await browser.get(response.headers["location"])
    number = re.search(r'id="case-number">(TS\d{14})<', receipt.text)
    assert number is not None
    assert "我们将于此时间前联系您" in receipt.text
    assert "reply-due" in receipt.text
    async with sessions() as session:
        case = await session.scalar(select(Case))
        attachment = await session.scalar(select(Attachment))
    assert case is not None
    assert (case.case_number, case.channel, case.complainant_phone) == (number.group(1), "web", "13812345678")
    assert attachment is not None
    assert attachment.filename == "账单.png"

    await run_routing_worker(settings)
    status = await browser.get(
        "/complaint/status", params={"case_number": number.group(1), "phone": "138 1234 5678"}
    )
    assert status.status_code == 200
    assert "已分派至承办部门" in status.text


async def test_without_the_csrf_token_the_form_is_refused_politely(
    browser: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    await browser.get("/complaint")  # the cookie alone is not enough
    response = await browser.post("/complaint", data=FIELDS)

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "页面已过期" in response.text
    assert await rows(sessions, Case) == 0


async def test_a_token_from_another_visitor_is_refused(
    browser: httpx.AsyncClient, settings: Settings
) -> None:
    token = await csrf_token(browser)
    browser.cookies.clear()
    response = await browser.post("/complaint", data={**FIELDS, "csrf_token": token})
    assert response.status_code == 403


async def test_a_forged_token_is_refused(browser: httpx.AsyncClient) -> None:
    await browser.get("/complaint")
    forged = "nonce.9999999999.0123456789abcdef0123456789abcdef"
    browser.cookies.set(COOKIE, forged, domain="test", path="/complaint")
    response = await browser.post("/complaint", data={**FIELDS, "csrf_token": forged})
    assert response.status_code == 403


async def test_mistakes_come_back_on_the_form_with_what_was_typed(
    browser: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await submit(browser, {**FIELDS, "phone": "not a phone", "content": ""})

    assert response.status_code == 422
    assert "请填写有效的手机号码" in response.text
    assert "请填写投诉内容" in response.text
    assert "退还年费" in response.text  # kept
    assert await rows(sessions, Case) == 0


async def test_an_attachment_of_a_refused_type_comes_back_on_the_form(
    browser: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await submit(
        browser, FIELDS, files=[("attachments", ("virus.exe", b"MZ\x90", "application/x-msdownload"))]
    )

    assert response.status_code == 422
    assert "virus.exe" in response.text
    assert await rows(sessions, Case) == 0


async def test_too_many_submissions_from_one_address_are_slowed_down(
    settings: Settings, sessions: SessionFactory
) -> None:
    limited = settings.model_copy(
        update={"channels": settings.channels.model_copy(update={"web_rate_limit": 2})}
    )
    app = create_app(limited, clock=CLOCK)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as browser,
    ):
        codes = [(await submit(browser, FIELDS)).status_code for _ in range(3)]
        refused = await submit(browser, FIELDS)

    assert codes == [303, 303, 429]
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert await rows(sessions, Case) == 2


async def test_a_body_over_the_upload_limit_gets_a_polite_page(
    settings: Settings, sessions: SessionFactory
) -> None:
    small = settings.model_copy(
        update={"channels": settings.channels.model_copy(update={"max_upload_bytes": 2000})}
    )
    app = create_app(small, clock=CLOCK)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as browser,
    ):
        response = await submit(
            browser, FIELDS, files=[("attachments", ("big.png", PNG + bytes(5000), "image/png"))]
        )

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "提交的内容过大" in response.text
    assert await rows(sessions, Case) == 0


async def test_the_status_look_up_needs_the_right_phone(browser: httpx.AsyncClient) -> None:
    response = await submit(browser, FIELDS)
    number = response.headers["location"].split("/")[-1].split("?")[0]

    wrong = await browser.get("/complaint/status", params={"case_number": number, "phone": "13900000000"})
    unknown = await browser.get(
        "/complaint/status", params={"case_number": "TS20990101000001", "phone": "13812345678"}
    )
    right = await browser.get("/complaint/status", params={"case_number": number, "phone": "+86 13812345678"})

    assert wrong.status_code == unknown.status_code == 404
    assert "未找到" in wrong.text
    assert wrong.text.replace(number, "") == unknown.text.replace(
        "TS20990101000001", ""
    )  # nothing told apart
    assert right.status_code == 200
    assert number in right.text
    assert "已收到，正在分派" in right.text


async def test_a_receipt_link_without_its_signature_is_not_found(browser: httpx.AsyncClient) -> None:
    response = await submit(browser, FIELDS)
    number = response.headers["location"].split("/")[-1].split("?")[0]

    forged = await browser.get(f"/complaint/receipt/{number}", params={"t": "0" * 32})
    assert forged.status_code == 404
    assert "未找到该页面" in forged.text

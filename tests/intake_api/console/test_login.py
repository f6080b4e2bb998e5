"""Signing in and out of the staff console; what an expired, forged or missing session gets."""

import time

import httpx

from complaints.settings import Settings
from intake_api.channels.web import web_secret
from intake_api.console import session
from tests.intake_api.console.helpers import sign_in, token_in


async def test_a_configured_person_signs_in_and_sees_the_queue(browser: httpx.AsyncClient) -> None:
    response = await sign_in(browser, "CC001")
    assert response.status_code == 303
    assert response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert session.COOKIE in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # off by default, for http://localhost
    queue = await browser.get("/console")
    assert queue.status_code == 200
    assert 'id="queue"' in queue.text
    assert "CC001" in queue.text


async def test_a_wrong_password_and_an_unknown_staff_id_are_told_the_same(browser: httpx.AsyncClient) -> None:
    wrong = await sign_in(browser, "CC001", "not the password")
    unknown = await sign_in(browser, "NOBODY1", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "工号或密码错误" in response.text
        assert session.COOKIE not in response.headers.get("set-cookie", "")
    # A configured person without a password cannot sign in either.
    assert (await sign_in(browser, "LN001", "not the password")).status_code == 401
    assert (await browser.get("/console")).status_code == 303


async def test_sign_in_attempts_are_limited_per_staff_id_and_address(
    browser: httpx.AsyncClient, settings: Settings
) -> None:
    limit = settings.console.console_login_rate_limit
    for _ in range(limit):
        assert (await sign_in(browser, "CC001", "guess")).status_code == 401
    refused = await sign_in(browser, "CC001")  # even the right password, for now
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    # Another person signing in from the same address is not locked out.
    assert (await sign_in(browser, "OP001")).status_code == 303


async def test_without_a_session_pages_send_the_browser_to_sign_in(browser: httpx.AsyncClient) -> None:
    for path in ("/console", "/console/cases/TS1", "/console/dashboard"):
        response = await browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")


async def test_an_expired_or_tampered_session_is_no_session(
    browser: httpx.AsyncClient, settings: Settings
) -> None:
    secret = web_secret(settings)
    expired = session.issue(secret, staff_id="CC001", now=time.time() - 9 * 3600, hours=8)
    good = session.issue(secret, staff_id="CC001", now=time.time(), hours=8)
    promoted = good.replace("CC001", "CP001", 1)  # someone else's id under CC001's signature
    forged = session.issue(b"another secret", staff_id="CC001", now=time.time(), hours=8)
    for token in (expired, promoted, forged, "CC001.9999999999.00"):
        browser.cookies.set(session.COOKIE, token, domain="test.local", path="/console")
        assert (await browser.get("/console")).status_code == 303, token
    browser.cookies.set(session.COOKIE, good, domain="test.local", path="/console")
    assert (await browser.get("/console")).status_code == 200


async def test_the_login_form_needs_its_csrf_token(browser: httpx.AsyncClient) -> None:
    await browser.get("/console/login")
    response = await browser.post(
        "/console/login", data={"staff_id": "CC001", "password": "x", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert session.COOKIE not in response.headers.get("set-cookie", "")


async def test_signing_out_clears_the_session(browser: httpx.AsyncClient) -> None:
    await sign_in(browser, "CC001")
    token = token_in(await browser.get("/console"))
    response = await browser.post("/console/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert (await browser.get("/console")).status_code == 303


async def test_the_language_switch_persists(browser: httpx.AsyncClient) -> None:
    await sign_in(browser, "CC001")
    assert "工作队列" in (await browser.get("/console")).text
    switched = await browser.get("/console/language", params={"to": "en", "next": "/console"})
    assert switched.headers["location"] == "/console"
    assert "Work queue" in (await browser.get("/console")).text
    # Never a redirect off the console.
    away = await browser.get("/console/language", params={"to": "zh", "next": "https://evil.example"})
    assert away.headers["location"] == "/console"

"""Signing in and out of the staff console, and the language switch.

A failed sign-in says the same for an unknown staff id and a wrong password. Attempts are
limited per staff id and client address (the web form's Redis limiter), so guessing one
person's password from one place is slow, and one person cannot lock out everybody else.
"""

import logging
import time
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints.jobs.unit_of_work import unit_of_work
from complaints.security import staff as staff_accounts
from intake_api.channels.web import web_secret
from intake_api.console import desk, i18n, session
from intake_api.dependencies import now_of
from intake_api.rate_limit import client_address, digest, limiter_of

log = logging.getLogger(__name__)

router = APIRouter(prefix="/console")


def _login_page(request: Request, *, target: str, error: str | None = None, code: int = 200) -> HTMLResponse:
    return desk.page(request, "login.html", staff=None, code=code, target=target, error=error)


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request, next: Annotated[str | None, Query(max_length=500)] = None
) -> HTMLResponse:
    return _login_page(request, target=desk.safe_next(next))


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    staff_id: Annotated[str, Form(max_length=32)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    settings = desk.settings_of(request)
    target = desk.safe_next(next)
    if not desk.csrf_ok(request, csrf_token):
        return _login_page(request, target=target, error="expired", code=403)
    staff_id = staff_id.strip()
    limits = settings.console
    wait = await limiter_of(request).retry_after(
        f"console-login:{digest(staff_id)}:{client_address(request.scope)}",
        limit=limits.console_login_rate_limit,
        window_seconds=limits.console_login_window_seconds,
    )
    if wait is not None:
        log.info("console: sign-in rate limit reached")
        limited = _login_page(request, target=target, error="too_many", code=429)
        limited.headers["Retry-After"] = str(wait)
        return limited
    async with unit_of_work(request.app.state.sessions, None) as db:  # a rehashed password is kept
        good = await staff_accounts.verify(db, staff_id=staff_id, password=password, now=now_of(request))
    if not good:
        log.info("console: failed sign-in")
        return _login_page(request, target=target, error="bad_login", code=401)
    log.info("console: %s signed in", staff_id)
    response = RedirectResponse(target, status_code=303)
    token = session.issue(
        web_secret(settings), staff_id=staff_id, now=time.time(), hours=limits.console_session_hours
    )
    session.set_cookie(response, token, settings)
    return response


@router.post("/logout")
async def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> RedirectResponse:
    response = RedirectResponse(desk.LOGIN, status_code=303)
    # Without a valid token nobody is signed out (a cross-site form must not do it either).
    if desk.csrf_ok(request, csrf_token):
        session.clear_cookie(response, desk.settings_of(request))
    return response


@router.get("/language")
async def switch_language(
    request: Request,
    to: Annotated[str, Query(max_length=2)] = "zh",
    next: Annotated[str | None, Query(max_length=500)] = None,
) -> RedirectResponse:
    response = RedirectResponse(desk.safe_next(next), status_code=303)
    if to in i18n.LANGUAGES:
        response.set_cookie(
            i18n.LANG_COOKIE,
            to,
            max_age=365 * 86400,
            path="/console",
            samesite="lax",
            secure=desk.settings_of(request).channels.web_cookie_secure,
        )
    return response

"""What every console page shares: who is signed in, their session, the page around the content.

A signed-in person is a `Principal` named by their staff id: unless they oversee every unit
(services/staff.py), it is bound to their unit and the database session is restricted to that
unit's rows, exactly as for a unit-bound API key (complaints.db.tenancy).
"""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db import tenancy
from complaints.domain.rulebook import Person, Rulebook
from complaints.handling.acting import person
from complaints.jobs.unit_of_work import unit_of_work
from complaints.security import staff as staff_accounts
from complaints.security.api_keys import Principal
from complaints.settings import Settings
from intake_api.channels.csrf import COOKIE as CSRF_COOKIE
from intake_api.channels.csrf import FIELD as CSRF_FIELD
from intake_api.channels.deps import get_rulebooks
from intake_api.channels.pages import local_time, render
from intake_api.channels.web import set_csrf_cookie, tokens, web_secret
from intake_api.console import i18n, session

LOGIN = "/console/login"
__all__ = [
    "CSRF_FIELD",
    "LOGIN",
    "Desk",
    "Staff",
    "csrf_ok",
    "desk",
    "page",
    "safe_next",
    "settings_of",
    "to_login",
]


@dataclass(frozen=True)
class Staff:
    person: Person
    principal: Principal
    rulebook: Rulebook


@dataclass(frozen=True)
class Desk:
    """A console request's database session and the person signed in (None: nobody)."""

    db: AsyncSession
    staff: Staff | None


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@asynccontextmanager
async def desk(request: Request) -> AsyncIterator[Desk]:
    """The request's unit of work: committed when the page is done, rolled back on an error."""
    settings = settings_of(request)
    async with unit_of_work(request.app.state.sessions, await request.app.state.queue.get()) as db:
        staff_id = session.staff_id_of(
            web_secret(settings), request.cookies.get(session.COOKIE), now=time.time()
        )
        found: Staff | None = None
        if staff_id is not None:
            rulebook = await get_rulebooks(request).get(db)
            someone = person(rulebook, staff_id)
            # A person removed from the configuration is signed out with the next request.
            if someone is not None:
                found = Staff(someone, staff_accounts.principal_for(someone, rulebook), rulebook)
                if found.principal.unit_code is not None:
                    await tenancy.restrict(db, unit_code=found.principal.unit_code)
        yield Desk(db, found)


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{LOGIN}?next={quote(target, safe='')}", status_code=303)


def safe_next(target: str | None) -> str:
    """Only a console path: never an address elsewhere (an open redirect)."""
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


def csrf_token(request: Request) -> str:
    """The current token while it has a while to go (other tabs hold it), else a fresh one."""
    issuer = tokens(settings_of(request))
    now = time.time()
    current = request.cookies.get(CSRF_COOKIE)
    return current if current and issuer.valid(current, now=now, spare=900) else issuer.issue(now=now)


def csrf_ok(request: Request, field: object) -> bool:
    return tokens(settings_of(request)).verify(
        cookie=request.cookies.get(CSRF_COOKIE),
        field=field if isinstance(field, str) else None,
        now=time.time(),
    )


def page(
    request: Request, template: str, *, staff: Staff | None, code: int = 200, **context: Any
) -> HTMLResponse:
    """A console page in the reader's language, with a CSRF token for its forms."""
    settings = settings_of(request)
    words = i18n.Words(i18n.language(request))
    token = csrf_token(request)
    zone = settings.zone
    response = render(
        f"console/{template}",
        code=code,
        headers={"Cache-Control": "no-store"},
        w=words,
        lang=words.lang,
        staff=staff,
        csrf_field=CSRF_FIELD,
        csrf_token=token,
        when=lambda moment: local_time(moment, zone) or "—",
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    )
    set_csrf_cookie(response, token, settings, path="/console")
    return response

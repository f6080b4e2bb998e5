"""Signing in to the console the way a browser does: fetch the form, post it with its token."""

import re

import httpx

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.security import staff
from tests.clock import CLOCK

PASSWORD = "correct horse battery"


async def give_password(sessions: SessionFactory, *staff_ids: str, password: str = PASSWORD) -> None:
    async with unit_of_work(sessions) as session:
        for staff_id in staff_ids:
            await staff.set_password(session, staff_id=staff_id, password=password, now=CLOCK())


def token_in(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


async def sign_in(browser: httpx.AsyncClient, staff_id: str, password: str = PASSWORD) -> httpx.Response:
    token = token_in(await browser.get("/console/login"))
    return await browser.post(
        "/console/login",
        data={"staff_id": staff_id, "password": password, "csrf_token": token, "next": "/console"},
    )


async def act(browser: httpx.AsyncClient, number: str, action: str, **fields: str) -> httpx.Response:
    """Post an action's form from the case page, with the page's token."""
    token = token_in(await browser.get(f"/console/cases/{number}"))
    return await browser.post(f"/console/cases/{number}/{action}", data={"csrf_token": token, **fields})

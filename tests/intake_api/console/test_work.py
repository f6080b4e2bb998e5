"""The work queue, the case page and acting on a case from the console."""

import httpx

from complaints.settings import Settings
from tests.intake_api.console.helpers import act, sign_in, token_in
from tests.intake_api.handling import events, routed


async def test_the_handler_accepts_a_case_and_the_event_names_them(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)  # HQ-CARD, assigned to CC001
    await sign_in(browser, "CC001")
    assert number in (await browser.get("/console", params={"tab": "mine"})).text
    page = await browser.get(f"/console/cases/{number}")
    assert page.status_code == 200
    assert 'id="action-accept"' in page.text
    assert 'data-clock="first_response"' in page.text
    assert "13812345678" not in page.text
    assert "139" in page.text

    response = await act(browser, number, "accept")
    assert response.status_code == 303
    assert response.headers["location"] == f"/console/cases/{number}?done=accept"
    accepted = await browser.get(response.headers["location"])
    assert 'id="flash"' in accepted.text
    assert 'data-status="accepted"' in accepted.text
    last = (await events(client, number))[-1]
    assert (last["actor"], last["to_status"]) == ("CC001", "accepted")
    assert 'data-actor="CC001"' in accepted.text


async def test_an_action_with_required_fields_shows_and_takes_them(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)
    await sign_in(browser, "CC001")
    page = await browser.get(f"/console/cases/{number}")
    assert 'name="unit"' in page.text
    assert 'name="ground"' in page.text
    missing = await act(browser, number, "transfer", unit="HQ-OPS")
    assert missing.status_code == 422
    assert 'id="action-error"' in missing.text
    moved = await act(browser, number, "transfer", unit="HQ-OPS", reason="属于ATM收费问题")
    assert moved.status_code == 303
    last = (await events(client, number))[-1]
    assert (last["actor"], last["reason"]) == ("CC001", "属于ATM收费问题")


async def test_an_action_the_status_does_not_allow_is_shown_not_a_500(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)  # assigned: resolve is not allowed yet
    await sign_in(browser, "CC001")
    before = len(await events(client, number))
    response = await act(browser, number, "resolve", outcome="explanation", verdict="valid", reply="已解释")
    assert response.status_code == 409
    assert 'id="action-error"' in response.text
    assert "not allowed" in response.text
    assert len(await events(client, number)) == before


async def test_an_action_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)
    await sign_in(browser, "CC001")
    before = len(await events(client, number))
    response = await browser.post(f"/console/cases/{number}/accept", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert len(await events(client, number)) == before


async def test_a_unit_bound_person_does_not_see_another_units_case(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)  # HQ-CARD
    await sign_in(browser, "OP001")  # HQ-OPS
    hidden = await browser.get(f"/console/cases/{number}")
    missing = await browser.get("/console/cases/TS00000000000000")
    assert hidden.status_code == missing.status_code == 404
    # The same page, but for the number in the language switch's link back.
    assert hidden.text.replace(number, "?") == missing.text.replace("TS00000000000000", "?")
    assert (await act_blind(browser, number)).status_code == 404
    for tab in ("unit", "about_to_breach", "overdue"):
        assert number not in (await browser.get("/console", params={"tab": tab})).text


async def act_blind(browser: httpx.AsyncClient, number: str) -> httpx.Response:
    """An action on a case the person cannot open, with a token from a page they can."""
    token = token_in(await browser.get("/console"))
    return await browser.post(f"/console/cases/{number}/accept", data={"csrf_token": token})


async def test_the_complaint_centre_sees_every_units_case(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)  # HQ-CARD
    await sign_in(browser, "CP001")  # HQ-CP, the default unit
    assert (await browser.get(f"/console/cases/{number}")).status_code == 200

"""The 待分类 queue: cases the classifier could not place, and reclassifying one from its page."""

import httpx

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from tests.intake_api.console.helpers import act, give_password, sign_in
from tests.intake_api.handling import events, needing_triage, routed


async def test_the_queue_shows_a_case_to_classify_and_its_page_reclassifies_it(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    waiting = await needing_triage(client, settings, sessions)
    placed = await routed(client, settings)
    await give_password(sessions, "CP020")
    await sign_in(browser, "CP020")

    queue = await browser.get("/console", params={"tab": "to_classify"})
    assert queue.status_code == 200
    assert 'id="tab-to_classify"' in queue.text
    assert "待分类" in queue.text
    assert f'href="/console/cases/{waiting}"' in queue.text
    assert placed not in queue.text

    page = await browser.get(f"/console/cases/{waiting}")
    assert 'id="action-reclassify"' in page.text
    assert 'data-flag="needs_triage"' in page.text
    assert 'name="flags" value="repeat"' in page.text
    assert 'value="needs_triage"' not in page.text  # nobody may set it
    missing = await act(browser, waiting, "reclassify", business_type="bank_cards", cause="fees")
    assert missing.status_code == 422  # the reason is required

    response = await act(
        browser,
        waiting,
        "reclassify",
        business_type="bank_cards",
        cause="fees",
        card="credit",
        flags="repeat",
        reason="信用卡年费",
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/console/cases/{waiting}?done=reclassify"
    reclassified, moved = (await events(client, waiting))[-2:]
    assert (reclassified["kind"], reclassified["actor"]) == ("reclassified", "CP020")
    assert reclassified["data"]["labels"]["flags"] == ["repeat"]
    assert (moved["kind"], moved["data"]["unit"]) == ("transferred", "HQ-CARD")
    assert waiting not in (await browser.get("/console", params={"tab": "to_classify"})).text


async def test_another_units_person_does_not_see_the_default_units_cases_to_classify(
    client: httpx.AsyncClient, browser: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    waiting = await needing_triage(client, settings, sessions)
    await sign_in(browser, "OP001")  # HQ-OPS

    assert waiting not in (await browser.get("/console", params={"tab": "to_classify"})).text
    assert (await browser.get(f"/console/cases/{waiting}")).status_code == 404

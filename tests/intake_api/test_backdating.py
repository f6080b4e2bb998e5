"""received_at: staff may record that a letter or walk-in arrived earlier, never later, with the scope."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Case, CaseEvent
from complaints.schemas.keys import Permission
from tests.assertions import assert_nothing_written, assert_problem
from tests.clock import CLOCK, FrozenClock
from tests.factories import at, auth, complaint, make_key

SHANGHAI = ZoneInfo("Asia/Shanghai")


def yesterday_early_morning() -> datetime:
    """07:30 yesterday in Shanghai: still the day before yesterday in UTC, so the zone matters."""
    moment = at(CLOCK().astimezone(SHANGHAI).date() - timedelta(days=1), 7, 30)
    assert moment.astimezone(UTC).date() != moment.date()
    return moment


async def stored_case(sessions: SessionFactory, case_number: str) -> Case:
    async with sessions() as session:
        case = await session.scalar(select(Case).where(Case.case_number == case_number))
    assert case is not None
    return case


@pytest.fixture
async def backdater(sessions: SessionFactory) -> str:
    return await make_key(sessions, scopes={Permission.INTAKE, Permission.INTAKE_BACKDATE}, name="mail-room")


@pytest.mark.parametrize("channel", ["letter", "walk_in", "regulator"])
async def test_a_staff_entered_complaint_may_be_backdated_with_the_scope(
    client: httpx.AsyncClient, sessions: SessionFactory, backdater: str, channel: str
) -> None:
    moment = yesterday_early_morning()

    response = await client.post(
        "/v1/complaints",
        # Sent in UTC: the case number must still carry the Shanghai date.
        json=complaint(channel=channel, received_at=moment.astimezone(UTC).isoformat()),
        headers=auth(backdater),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert datetime.fromisoformat(body["received_at"]) == moment
    assert body["case_number"][2:10] == f"{moment:%Y%m%d}"
    case = await stored_case(sessions, body["case_number"])
    assert case.received_at == moment
    async with sessions() as session:
        event = await session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id))
    assert event is not None
    assert datetime.fromisoformat(str(event.data["received_at"])) == moment


async def test_backdating_without_the_backdate_scope_is_a_403_problem(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    key = await make_key(sessions, scopes={Permission.INTAKE, Permission.READ, Permission.PII_READ})

    response = await client.post(
        "/v1/complaints",
        json=complaint(channel="letter", received_at=yesterday_early_morning().isoformat()),
        headers=auth(key),
    )

    body = assert_problem(response, 403)
    assert "intake:backdate" in body["detail"]
    await assert_nothing_written(sessions)


@pytest.mark.parametrize("channel", ["web", "sms", "email", "app", "wechat"])
async def test_received_at_on_a_self_service_channel_is_a_422_problem(
    client: httpx.AsyncClient, sessions: SessionFactory, backdater: str, channel: str
) -> None:
    response = await client.post(
        "/v1/complaints",
        json=complaint(channel=channel, received_at=yesterday_early_morning().isoformat()),
        headers=auth(backdater),
    )

    assert_problem(response, 422, field="received_at")
    await assert_nothing_written(sessions)


async def test_received_at_an_hour_in_the_future_is_a_422_problem(
    client: httpx.AsyncClient, sessions: SessionFactory, backdater: str
) -> None:
    future = CLOCK().astimezone(SHANGHAI) + timedelta(hours=1)

    response = await client.post(
        "/v1/complaints",
        json=complaint(channel="letter", received_at=future.isoformat()),
        headers=auth(backdater),
    )

    assert_problem(response, 422, field="received_at")
    await assert_nothing_written(sessions)


async def test_a_received_at_just_ahead_of_our_clock_is_never_stored_in_the_future(
    client: httpx.AsyncClient, sessions: SessionFactory, backdater: str
) -> None:
    # Within the tolerated clock skew: accepted, but the case cannot have arrived after now.
    ahead = CLOCK() + timedelta(seconds=60)

    response = await client.post(
        "/v1/complaints",
        json=complaint(channel="letter", received_at=ahead.isoformat()),
        headers=auth(backdater),
    )
    answered = CLOCK()

    assert response.status_code == 201, response.text
    assert datetime.fromisoformat(response.json()["received_at"]) <= answered
    case = await stored_case(sessions, response.json()["case_number"])
    assert case.received_at <= answered


@pytest.mark.calendar
async def test_without_received_at_the_case_was_received_now(
    client: httpx.AsyncClient, sessions: SessionFactory, clock: FrozenClock
) -> None:
    response = await client.post("/v1/complaints", json=complaint(channel="letter"))

    assert response.status_code == 201, response.text
    case = await stored_case(sessions, response.json()["case_number"])
    assert case.received_at == clock()
    # The case number carries the day in Shanghai.
    assert response.json()["case_number"][2:10] == f"{clock.today:%Y%m%d}"

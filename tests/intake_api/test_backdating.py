"""received_at: staff may record that a letter or walk-in arrived earlier, never later, with the scope."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Case, CaseEvent
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from intake_api.app import create_app
from tests.assertions import assert_nothing_written, assert_problem
from tests.clock import CLOCK, FrozenClock
from tests.factories import at, auth, complaint, make_key, run_routing_worker

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


@pytest.mark.parametrize(
    "received_at",
    [
        "1900-01-01T00:00:00+08:00",
        "0001-01-01T00:00:00+08:00",
        "0001-01-01T00:00:00Z",
        "2003-12-31T12:00:00+08:00",
    ],
    ids=["1900", "year-1-shanghai", "year-1-utc", "before-the-calendar"],
)
async def test_a_moment_the_calendar_cannot_count_from_is_a_422_naming_received_at(
    client: httpx.AsyncClient, sessions: SessionFactory, backdater: str, received_at: str
) -> None:
    """Such a case was opened (201, year 1 even with a malformed case number) and then failed
    routing for ever: no deadline clock would ever have run for it."""
    response = await client.post(
        "/v1/complaints", json=complaint(channel="letter", received_at=received_at), headers=auth(backdater)
    )

    assert_problem(response, 422, field="received_at")
    await assert_nothing_written(sessions)


async def test_backdating_further_than_the_configured_limit_is_a_422(
    client: httpx.AsyncClient, sessions: SessionFactory, backdater: str
) -> None:
    too_old = CLOCK().astimezone(SHANGHAI) - timedelta(days=366)  # the default limit is a year

    response = await client.post(
        "/v1/complaints",
        json=complaint(channel="letter", received_at=too_old.isoformat()),
        headers=auth(backdater),
    )

    body = assert_problem(response, 422, field="received_at")
    assert "COMPLAINTS_BACKDATE_MAX_DAYS" in body["detail"]
    await assert_nothing_written(sessions)


async def test_within_the_limit_a_backdated_case_is_routed_with_its_clocks(
    client: httpx.AsyncClient, settings: Settings, backdater: str
) -> None:
    months_ago = CLOCK().astimezone(SHANGHAI) - timedelta(days=300)

    response = await client.post(
        "/v1/complaints",
        json=complaint(channel="letter", received_at=months_ago.isoformat()),
        headers=auth(backdater),
    )

    assert response.status_code == 201, response.text
    await run_routing_worker(settings)
    case = (await client.get(f"/v1/complaints/{response.json()['case_number']}")).json()
    assert case["status"] == "assigned"
    assert case["deadlines"]


async def test_a_longer_limit_still_stops_where_the_calendar_ends(
    settings: Settings, sessions: SessionFactory, backdater: str
) -> None:
    app = create_app(settings.model_copy(update={"backdate_max_days": 365 * 40}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        response = await client.post(
            "/v1/complaints",
            json=complaint(channel="letter", received_at="1999-06-01T10:00:00+08:00"),
            headers=auth(backdater),
        )

    body = assert_problem(response, 422, field="received_at")
    assert "calendar" in body["detail"]
    await assert_nothing_written(sessions)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
@pytest.mark.parametrize(
    "path",
    ["/v1/complaints?received_from=", "/v1/complaints?due_before=", "/v1/complaints/counts?received_to="],
)
async def test_a_filter_moment_outside_what_can_be_stored_is_a_422_not_a_500(
    client: httpx.AsyncClient, path: str, moment: str
) -> None:
    response = await client.get(path + quote(moment))

    assert_problem(response, 422)


@pytest.mark.parametrize("field", ["occurred_at", "upstream"])
async def test_a_body_moment_outside_what_can_be_stored_is_a_422_not_a_500(
    client: httpx.AsyncClient, sessions: SessionFactory, field: str
) -> None:
    year_one = "0001-01-01T00:00:00+08:00"
    value: object = {"ref": "REG-1", "due_at": year_one} if field == "upstream" else year_one

    response = await client.post("/v1/complaints", json=complaint(channel="hotline", **{field: value}))

    assert_problem(response, 422)
    await assert_nothing_written(sessions)

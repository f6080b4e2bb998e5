"""Routing through the real arq worker (burst mode) against real Postgres and Redis."""

from datetime import timedelta

import httpx
from arq import ArqRedis
from sqlalchemy import select, update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import CaseEvent, Deadline, OutboxMessage, StaffMember
from complaints.settings import Settings
from routing_worker.jobs import route_case
from tests.clock import CLOCK
from tests.factories import complaint, run_routing_worker


async def post_and_route(
    client: httpx.AsyncClient, settings: Settings, **fields: object
) -> dict[str, object]:
    number = (await client.post("/v1/complaints", json=complaint(**fields))).json()["case_number"]
    await run_routing_worker(settings)
    case: dict[str, object] = (await client.get(f"/v1/complaints/{number}")).json()
    return case


async def test_a_credit_card_complaint_goes_to_the_card_centre_with_its_clocks(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(client, settings)

    assert case["status"] == "assigned"
    assert case["unit"] == "HQ-CARD"
    assert case["assignee"] == "CC001"  # the card centre's A role
    assert case["business_type"] == "bank_cards"
    assert case["routing"]["rule"] == "credit-cards"  # type: ignore[index]
    kinds = {d["kind"]: d for d in case["deadlines"]}  # type: ignore[attr-defined]
    assert set(kinds) == {"first_response", "resolution", "regulatory"}
    assert kinds["first_response"]["period"] == "24 hours"
    assert kinds["resolution"]["period"] == "7 working_days"
    assert kinds["regulatory"]["period"] == "15 days"
    assert all(d["state"] == "running" for d in kinds.values())


async def test_routing_writes_the_registered_and_assigned_events_with_the_reason(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(client, settings)

    events = (await client.get(f"/v1/complaints/{case['case_number']}/events")).json()["items"]
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in events] == [
        ("received", None, "received"),
        ("registered", "received", "registered"),
        ("assigned", "registered", "assigned"),
    ]
    assert "credit-cards" in events[2]["reason"]
    assert events[2]["data"]["unit"] == "HQ-CARD"


async def test_media_beats_credit_cards_and_raises_severity(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(client, settings, content="信用卡年费乱收费，我要找记者曝光")

    assert case["unit"] == "HQ-PR"
    assert case["severity"] == "urgent"
    assert "media" in case["flags"]  # type: ignore[operator]
    first_response = next(d for d in case["deadlines"] if d["kind"] == "first_response")  # type: ignore[attr-defined]
    assert first_response["period"] == "2 hours"


async def test_a_service_complaint_at_a_named_branch_goes_to_that_branch(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(
        client, settings, content="柜员态度很差，排队两个小时", demand="道歉", branch_code="BR-002"
    )

    assert case["unit"] == "BR-002"
    assert case["assignee"] == "W001"


async def test_a_complaint_nobody_could_place_goes_to_consumer_protections_triage_marked_as_such(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(client, settings, content="我想反映一个问题，请联系我", demand=None)

    assert case["unit"] == "HQ-CP"
    assert case["routing"]["rule"] == "triage"  # type: ignore[index]
    assert "needs_triage" in case["flags"]
    assert case["assignee"] == "CP020"  # the triage role, not the A role


async def test_the_routing_reason_names_the_deciding_words_the_model_and_its_confidence(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(
        client, settings, content="信用卡年费未经同意被扣收了三百元", demand="退还年费"
    )

    reason = case["routing"]["reason"]  # type: ignore[index]
    assert case["unit"] == "HQ-CARD"
    assert reason.startswith("rule credit-cards")
    assert "年费" in reason
    assert "unit confidence" in reason
    assert "needs_triage" not in case["flags"]


async def test_a_regulator_referral_is_at_least_important_and_keeps_its_upstream_deadline(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(
        client,
        settings,
        channel="regulator",
        source="regulator",
        upstream={"ref": "12378-2026-0001", "due_at": "2026-12-31T17:00:00+08:00"},
    )

    assert case["severity"] == "important"
    assert "regulator_referred" in case["flags"]  # type: ignore[operator]
    upstream = next(d for d in case["deadlines"] if d["kind"] == "upstream")  # type: ignore[attr-defined]
    assert upstream["due_at"] == "2026-12-31T09:00:00Z"


async def test_the_b_role_takes_the_case_when_the_a_role_is_away(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(StaffMember).where(StaffMember.staff_id == "CC001").values(available=False)
        )
    try:
        case = await post_and_route(client, settings)
    finally:
        async with unit_of_work(sessions) as session:
            await session.execute(
                update(StaffMember).where(StaffMember.staff_id == "CC001").values(available=True)
            )

    assert case["assignee"] == "CC002"


async def test_the_person_complained_about_never_gets_the_case(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    case = await post_and_route(client, settings, staff_id="CC001")

    assert case["unit"] == "HQ-CARD"
    assert case["assignee"] == "CC002"


async def test_running_the_job_twice_routes_once(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, redis: ArqRedis
) -> None:
    case = await post_and_route(client, settings)
    async with sessions() as session:
        message = await session.scalar(select(OutboxMessage))
        assert message is not None
        assert message.processed_at is not None
        case_id = message.payload["case_id"]

    ctx = {"settings": settings, "redis": redis, "clock": CLOCK}
    from routing_worker.jobs import shutdown, startup

    await startup(ctx)
    try:
        again = await route_case(ctx, {"case_id": case_id, "outbox_id": message.id})
    finally:
        await shutdown(ctx)

    assert again is False
    async with sessions() as session:
        kinds = (await session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id))).all()
        clocks = (await session.scalars(select(Deadline).where(Deadline.case_id == case_id))).all()
    assert list(kinds) == ["received", "registered", "assigned"]
    assert len(clocks) == 3
    assert case["status"] == "assigned"


async def test_deadlines_count_from_the_acceptance_time(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    case = await post_and_route(client, settings)

    async with sessions() as session:
        first = await session.scalar(select(Deadline).where(Deadline.kind == "first_response"))
    assert first is not None
    assert first.due_at - first.started_at == timedelta(hours=24)
    assert first.warn_at == [first.started_at + timedelta(hours=12), first.started_at + timedelta(hours=19.2)]
    assert first.next_check_at == first.warn_at[0]
    assert case["received_at"] is not None

"""The SMS gateway's inbound webhook: signed JSON or form, parts, follow-ups, callback answers."""

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent, RejectedMessage, SmsPart
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.factories import run_routing_worker
from tests.intake_api.channels.helpers import post_sms, rows, sent_sms

PHONE = "+8613900001111"


def sms(text: str, message_id: str, **extra: object) -> dict[str, object]:
    return {
        "from": PHONE,
        "text": text,
        "message_id": message_id,
        "received_at": "2026-11-23T09:00:00+08:00",
        **extra,
    }


@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
async def test_an_sms_opens_a_case_that_is_routed_and_answered_with_a_receipt(
    client: httpx.AsyncClient, settings: Settings, outbound: Path, form: bool
) -> None:
    response = await post_sms(client, sms("信用卡被盗刷了5000元，请尽快处理", "gw-1"), form=form)

    assert response.status_code == 201, response.text
    number = response.json()["case_number"]
    await run_routing_worker(settings)
    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert case["channel"] == "sms"
    assert case["complainant"]["phone"] == PHONE
    assert case["unit"] == "HQ-CARD"
    [receipt] = sent_sms(settings)
    assert receipt["to"] == PHONE
    assert number in "".join(receipt["parts"])
    assert all(len(part) <= 70 for part in receipt["parts"])


async def test_the_parts_of_a_long_sms_are_joined_by_the_gateway_reference(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    second = await post_sms(client, sms("客服电话一直打不通。", "gw-p2", reference="ref-9", part=2, parts=2))
    first = await post_sms(
        client, sms("信用卡年费未经同意被扣收，", "gw-p1", reference="ref-9", part=1, parts=2)
    )

    assert second.status_code == 202
    assert second.json()["outcome"] == "waiting"
    assert first.status_code == 201, first.text
    case = (await client.get(f"/v1/complaints/{first.json()['case_number']}")).json()
    assert case["content"] == "信用卡年费未经同意被扣收，客服电话一直打不通。"
    assert await rows(sessions, SmsPart) == 0  # consumed


async def test_another_sms_within_a_day_is_added_to_the_open_case(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    number = (await post_sms(client, sms("信用卡被盗刷了5000元", "gw-1"))).json()["case_number"]

    again = await post_sms(client, sms("补充：盗刷发生在昨晚十点", "gw-2"))

    assert again.status_code == 200, again.text
    assert again.json() == {"outcome": "threaded", "case_number": number, "detail": None}
    events = (await client.get(f"/v1/complaints/{number}/events")).json()["items"]
    message = next(e for e in events if e["kind"] == "message")
    assert message["data"]["text"] == "补充：盗刷发生在昨晚十点"
    assert message["data"]["channel"] == "sms"
    assert await rows(sessions, Case) == 1


async def test_after_a_day_the_same_number_opens_a_new_case(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    first = (await post_sms(client, sms("信用卡被盗刷了5000元", "gw-1"))).json()["case_number"]
    async with unit_of_work(sessions) as session:
        await session.execute(update(Case).values(received_at=Case.received_at - timedelta(hours=25)))

    later = await post_sms(client, sms("网银登录不了", "gw-2"))

    assert later.status_code == 201
    assert later.json()["case_number"] != first


async def test_a_satisfaction_answer_is_recorded_as_the_callback_of_the_resolved_case(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = (await post_sms(client, sms("信用卡年费未经同意被扣收", "gw-1"))).json()["case_number"]
    await run_routing_worker(settings)
    for action, body in [
        ("accept", {"actor": "CC001"}),
        (
            "resolve",
            {"actor": "CC001", "outcome": "explanation", "verdict": "valid", "reply": "已说明年费规则"},
        ),
    ]:
        done = await client.post(f"/v1/complaints/{number}/{action}", json=body)
        assert done.status_code == 200, done.text

    answer = await post_sms(client, sms("1", "gw-answer"))

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"outcome": "callback", "case_number": number, "detail": "satisfied"}
    async with sessions() as session:
        case = await session.scalar(select(Case).where(Case.case_number == number))
        called = await session.scalar(select(CaseEvent).where(CaseEvent.kind == "called_back"))
    assert case is not None
    assert case.satisfaction == "satisfied"
    assert called is not None
    assert called.actor == "complainant via sms"
    assert "1" in str(called.data.get("notes"))


async def test_a_1_with_no_case_awaiting_a_callback_is_just_a_message(client: httpx.AsyncClient) -> None:
    response = await post_sms(client, sms("1", "gw-lonely"))
    assert response.json()["outcome"] == "created"


async def test_a_redelivered_sms_answers_as_before(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    first = await post_sms(client, sms("信用卡被盗刷", "gw-same"))
    again = await post_sms(client, sms("信用卡被盗刷", "gw-same"))

    assert again.json()["outcome"] == "duplicate"
    assert again.json()["case_number"] == first.json()["case_number"]
    assert await rows(sessions, Case) == 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (sms("   ", "gw-empty"), "empty"),
        ({"text": "没有号码", "message_id": "gw-x"}, "invalid"),
        (sms("分段", "gw-y", parts=2), "invalid"),
    ],
    ids=["empty-sms", "no-sender", "part-without-reference"],
)
async def test_an_sms_intake_cannot_take_is_a_422_kept_for_inspection(
    client: httpx.AsyncClient, sessions: SessionFactory, fields: dict[str, object], reason: str
) -> None:
    response = await post_sms(client, fields)

    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]
    assert await rows(sessions, Case) == 0
    async with sessions() as session:
        kept = await session.scalar(select(RejectedMessage))
    assert kept is not None
    assert kept.reason == reason


async def test_malformed_json_is_a_422_kept(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    from tests.intake_api.channels.helpers import SMS_SECRET, signature

    body = b'{"from": "139'
    response = await client.post(
        "/v1/channels/sms",
        content=body,
        headers={"Content-Type": "application/json", "X-Signature": signature(body, SMS_SECRET)},
    )
    assert response.status_code == 422
    assert await rows(sessions, RejectedMessage) == 1


async def test_a_wrong_signature_is_a_401_and_nothing_is_kept(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await post_sms(client, sms("信用卡被盗刷", "gw-1"), secret="wrong")

    assert response.status_code == 401
    assert await rows(sessions, Case) == 0
    assert await rows(sessions, RejectedMessage) == 0


async def test_without_a_configured_secret_the_webhook_is_unavailable(
    settings: Settings, sessions: SessionFactory
) -> None:
    from intake_api.app import create_app

    unconfigured = settings.model_copy(
        update={"channels": settings.channels.model_copy(update={"sms_webhook_secret": None})}
    )
    app = create_app(unconfigured, clock=CLOCK)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        response = await post_sms(client, sms("信用卡被盗刷", "gw-1"))
    assert response.status_code == 503

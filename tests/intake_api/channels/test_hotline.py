"""The call-center's software: retries recognised by call id, recordings kept, receipt by SMS."""

import base64
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Attachment, Case, Notification
from complaints.handling.attachment_store import LocalDirectoryStore
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.factories import ADMIN_KEY, auth, complaint, make_key, run_routing_worker
from tests.intake_api.channels.helpers import rows, sent_sms

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_a_call_is_routed_and_the_caller_gets_an_sms_receipt(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, outbound: Path
) -> None:
    recording = {"filename": "CALL-0001.wav", "content_type": "audio/wav", "data_base64": b64(WAV)}
    response = await client.post("/v1/complaints", json=complaint(attachments=[recording]))
    assert response.status_code == 201, response.text
    number = response.json()["case_number"]
    assert response.json()["attachments"] == [
        {"filename": "CALL-0001.wav", "content_type": "audio/wav", "size_bytes": len(WAV), "url": None}
    ]

    await run_routing_worker(settings)

    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert case["status"] == "assigned"
    assert case["unit"] == "HQ-CARD"
    assert [a["filename"] for a in case["attachments"]] == ["CALL-0001.wav"]
    [sms] = sent_sms(settings)
    assert sms["to"] == "13812345678"
    text = "".join(sms["parts"])
    assert number in text
    assert "CC001" in text  # the handler, and their contact
    assert "95588-8101" in text
    assert all(len(part) <= 70 for part in sms["parts"])
    async with sessions() as session:
        notification = await session.scalar(select(Notification))
        stored = await session.scalar(select(Attachment))
    assert notification is not None
    assert (notification.kind, notification.channel, notification.state) == ("receipt", "sms", "sent")
    assert stored is not None
    assert stored.storage_key is not None
    assert await LocalDirectoryStore(settings.data_dir / "attachments").get(stored.storage_key) == WAV


async def test_a_second_post_of_the_same_call_returns_the_case_already_filed(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    first = await client.post("/v1/complaints", json=complaint(external_ref="CALL-42"))
    again = await client.post("/v1/complaints", json=complaint(external_ref="CALL-42", content="重复提交"))

    assert first.status_code == 201
    assert again.status_code == 200, again.text
    assert again.json()["case_number"] == first.json()["case_number"]
    assert again.json()["content"] == first.json()["content"]  # the case as filed, unchanged
    assert again.headers["location"] == f"/v1/complaints/{first.json()['case_number']}"
    assert await rows(sessions, Case) == 1


async def test_the_same_call_id_from_another_key_is_another_case(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    from complaints.schemas.keys import Permission

    other = await make_key(sessions, scopes={Permission.INTAKE, Permission.READ}, name="other-call-center")
    first = await client.post("/v1/complaints", json=complaint(external_ref="CALL-7"))
    second = await client.post("/v1/complaints", json=complaint(external_ref="CALL-7"), headers=auth(other))

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["case_number"] != second.json()["case_number"]


async def test_a_duplicate_call_under_an_idempotency_key_replays_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/v1/complaints", json=complaint(external_ref="CALL-9"))
    headers = {"Idempotency-Key": "retry-of-call-9"}
    once = await client.post("/v1/complaints", json=complaint(external_ref="CALL-9"), headers=headers)
    twice = await client.post("/v1/complaints", json=complaint(external_ref="CALL-9"), headers=headers)

    assert (once.status_code, twice.status_code) == (200, 200)
    assert twice.headers["idempotent-replayed"] == "true"
    assert twice.json() == once.json()


async def test_concurrent_posts_of_one_call_open_one_case(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    import asyncio

    responses = await asyncio.gather(
        *(client.post("/v1/complaints", json=complaint(external_ref="CALL-RACE")) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert len({r.json()["case_number"] for r in responses}) == 1
    assert await rows(sessions, Case) == 1


async def test_a_recording_kept_on_the_call_centers_server_is_stored_as_a_link(
    client: httpx.AsyncClient,
) -> None:
    link = {"filename": "call.wav", "content_type": "audio/wav", "url": "https://pbx.example.cn/rec/0001.wav"}
    response = await client.post("/v1/complaints", json=complaint(attachments=[link]))

    assert response.status_code == 201, response.text
    assert response.json()["attachments"][0]["url"] == "https://pbx.example.cn/rec/0001.wav"


@pytest.mark.parametrize(
    ("attachments", "field"),
    [
        (
            [{"filename": "x.exe", "content_type": "application/x-msdownload", "data_base64": b64(b"MZ")}],
            "attachments.0",
        ),
        (
            [{"filename": "p.jpg", "content_type": "image/jpeg", "data_base64": b64(b"MZ not a jpeg")}],
            "attachments.0",
        ),
        (
            [{"filename": "p.jpg", "content_type": "image/jpeg", "data_base64": "%%%not base64"}],
            "attachments.0.data_base64",
        ),
        ([{"filename": "p.jpg", "content_type": "image/jpeg"}], "attachments.0"),
        ([{"filename": "p.jpg", "content_type": "image/jpeg", "data_base64": b64(JPEG)}] * 11, "attachments"),
    ],
    ids=["type", "bytes-not-the-type", "bad-base64", "neither-data-nor-url", "too-many"],
)
async def test_attachments_outside_the_limits_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, sessions: SessionFactory, attachments: list[dict[str, str]], field: str
) -> None:
    response = await client.post("/v1/complaints", json=complaint(attachments=attachments))

    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await rows(sessions, Case) == 0
    assert await rows(sessions, Attachment) == 0


async def test_an_attachment_over_the_size_limit_is_refused(
    settings: Settings, sessions: SessionFactory
) -> None:
    from intake_api.app import create_app

    small = settings.model_copy(
        update={"attachments": settings.attachments.model_copy(update={"attachment_max_bytes": 10})}
    )
    app = create_app(small, clock=CLOCK)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", headers=auth(ADMIN_KEY)
        ) as client,
    ):
        jpeg = {"filename": "p.jpg", "content_type": "image/jpeg", "data_base64": b64(JPEG)}
        response = await client.post("/v1/complaints", json=complaint(attachments=[jpeg]))

    assert response.status_code == 422
    assert "larger than 10 bytes" in response.json()["detail"]
    assert await rows(sessions, Case) == 0

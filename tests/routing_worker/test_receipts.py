"""Receipts leave through the outbox to real senders: an HTTP SMS gateway, an SMTP server.
A failed send is retried with backoff and never touches intake or routing."""

import asyncio
import email
import email.policy
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Notification
from complaints.settings import Settings
from tests.factories import complaint, run_routing_worker
from tests.intake_api.channels.helpers import corpus, post_email


@dataclass
class Gateway:
    """An SMS gateway on loopback: answers each request with the next status in `answers`."""

    answers: list[int]
    requests: list[dict[str, object]] = field(default_factory=list)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        body = await reader.readexactly(length)
        self.requests.append({"head": head.decode(), "body": json.loads(body)})
        status = self.answers.pop(0) if self.answers else 200
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}".encode())
        await writer.drain()
        writer.close()


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    gateway = Gateway(answers=[])
    server = await asyncio.start_server(gateway.handle, "127.0.0.1", 0)
    gateway.port = server.sockets[0].getsockname()[1]
    yield gateway
    server.close()
    await server.wait_closed()


def with_gateway(settings: Settings, gateway: Gateway, **notifications: object) -> Settings:
    return settings.model_copy(
        update={
            "outbox_retry_after_seconds": 0.1,
            "notifications": settings.notifications.model_copy(
                update={
                    "sms_sender": "http",
                    "sms_gateway_url": f"http://127.0.0.1:{gateway.port}/send",
                    "sms_gateway_token": None,
                    **notifications,
                }
            ),
        }
    )


async def receipt(sessions: SessionFactory) -> Notification:
    async with sessions() as session:
        found = await session.scalar(select(Notification))
    assert found is not None
    return found


async def test_the_sms_gateway_gets_the_receipt_filled_into_its_template(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, gateway: Gateway
) -> None:
    number = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]

    await run_routing_worker(with_gateway(settings, gateway))

    [request] = gateway.requests
    body = request["body"]
    assert isinstance(body, dict)
    assert body["to"] == "13812345678"
    assert number in str(body["text"])
    assert len(str(body["text"])) <= 70
    assert (await receipt(sessions)).state == "sent"


async def test_a_failing_gateway_is_retried_with_backoff_until_it_takes_the_message(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, gateway: Gateway
) -> None:
    gateway.answers = [503, 500]
    number = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]

    await run_routing_worker(with_gateway(settings, gateway))

    assert len(gateway.requests) == 3
    sent = await receipt(sessions)
    assert (sent.state, sent.attempts, sent.last_error) == ("sent", 3, None)
    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert case["status"] == "assigned"  # routing committed before any send was tried


async def test_a_refused_message_fails_for_good_without_touching_the_case(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, gateway: Gateway
) -> None:
    gateway.answers = [400]
    number = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]

    await run_routing_worker(with_gateway(settings, gateway))

    failed = await receipt(sessions)
    assert (failed.state, failed.attempts) == ("failed", 1)
    assert "400" in (failed.last_error or "")
    assert (await client.get(f"/v1/complaints/{number}")).json()["status"] == "assigned"


async def test_an_unreachable_gateway_gives_up_after_the_attempt_limit(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    await client.post("/v1/complaints", json=complaint())
    nobody = Gateway(answers=[], port=1)  # nothing listens on port 1

    await run_routing_worker(with_gateway(settings, nobody, notification_max_attempts=2))

    failed = await receipt(sessions)
    assert (failed.state, failed.attempts) == ("failed", 2)
    assert "unreachable" in (failed.last_error or "")


@dataclass
class Mailbox:
    messages: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(envelope.content)
        return "250 OK"


async def test_an_email_receipt_goes_through_smtp_in_the_complainants_thread(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    mailbox = Mailbox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(mailbox, decode_data=False), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        number = (await post_email(client, corpus("gbk_quoted_printable.eml"))).json()["case_number"]
        smtp = settings.notifications.model_copy(
            update={"email_sender": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port}
        )
        await run_routing_worker(settings.model_copy(update={"notifications": smtp}))
    finally:
        server.close()
        await server.wait_closed()

    [raw] = mailbox.messages
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    assert sent["To"] == "lihua@example.com.cn"
    assert (
        sent["In-Reply-To"].strip()
        == "<HK0PR03MB41234567A1B2C3D4E5F6A7B8C9@HK0PR03MB4123.apcprd03.prod.outlook.com>"
    )
    assert sent["Subject"] == f"Re: 投诉城西支行服务态度 [{number}]"
    assert sent["Message-ID"].strip() == f"<receipt.{number}@example.com>"
    body = sent.get_body(preferencelist=("plain",))
    assert body is not None
    assert number in body.get_content()
    assert (await receipt(sessions)).state == "sent"


async def test_a_case_with_no_phone_and_no_email_gets_no_receipt(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    await client.post("/v1/complaints", json=complaint(complainant={"name": "匿名"}))
    await run_routing_worker(settings)

    async with sessions() as session:
        assert await session.scalar(select(Notification)) is None

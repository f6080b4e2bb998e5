"""`complaints smtp`: a mail server relays to it; Python's smtplib plays that mail server."""

import asyncio
import os
import signal
import smtplib
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Case, RejectedMessage
from complaints.intake.inbound import ChannelIntake
from complaints.intake.smtp_server import IntakeHandler, start_server
from complaints.settings import Settings
from tests.factories import run_routing_worker
from tests.intake_api.channels.helpers import corpus, reset_outbound, sent_mail


@pytest.fixture
def outbound(settings: Settings) -> Path:
    return reset_outbound(settings)


@pytest.fixture
async def listener(settings: Settings, sessions: SessionFactory) -> AsyncIterator[int]:
    handler = IntakeHandler(
        sessions=sessions, intake=ChannelIntake.from_settings(settings), redis_url=settings.redis_url
    )
    server = await start_server(handler, host="127.0.0.1", port=0, max_message_bytes=1_000_000)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    await handler.close()


def relay(port: int, raw: bytes, *, sender: str = "wangxm@example.cn") -> dict[str, tuple[int, bytes]]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        return smtp.sendmail(sender, ["complaints@bank.example"], raw)


async def test_a_relayed_mail_becomes_a_routed_case_with_a_receipt_in_its_thread(
    listener: int, settings: Settings, sessions: SessionFactory, outbound: Path
) -> None:
    refused = await asyncio.to_thread(relay, listener, corpus("gb2312_base64.eml"))

    assert refused == {}
    async with sessions() as session:
        case = await session.scalar(select(Case))
    assert case is not None
    assert case.channel == "email"
    assert "信用卡年费被乱扣" in case.content
    await run_routing_worker(settings)
    [receipt] = sent_mail(settings)
    assert receipt["In-Reply-To"] == "<202611230912403326117@example.cn>"
    assert case.case_number in receipt["subject"]


async def test_an_auto_reply_is_accepted_and_opens_nothing(listener: int, sessions: SessionFactory) -> None:
    await asyncio.to_thread(relay, listener, corpus("auto_reply.eml"))

    async with sessions() as session:
        assert await session.scalar(select(Case)) is None


async def test_a_broken_mail_is_refused_with_554_and_kept(listener: int, sessions: SessionFactory) -> None:
    with pytest.raises(smtplib.SMTPDataError) as refused:
        await asyncio.to_thread(relay, listener, corpus("unknown_charset.eml"))

    assert refused.value.smtp_code == 554
    async with sessions() as session:
        kept = await session.scalar(select(RejectedMessage))
        assert await session.scalar(select(Case)) is None
    assert kept is not None
    assert kept.reason == "unknown_charset"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_the_complaints_smtp_command_serves_until_stopped(
    settings: Settings, sessions: SessionFactory
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "COMPLAINTS_DATABASE_URL": settings.require_database_url(),
        "COMPLAINTS_REDIS_URL": settings.require_redis_url(),
        "COMPLAINTS_DATA_DIR": str(settings.data_dir),
        "COMPLAINTS_IDENTITY_HASH_KEY": "test-identity-hash-key",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "complaints.cli.main", "smtp", "--port", str(port), env=env
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.returncode is None, "complaints smtp exited"
            try:
                refused = await asyncio.to_thread(relay, port, corpus("big5.eml"))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        assert refused == {}
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0
    async with sessions() as session:
        content = await session.scalar(select(Case.content))
    assert content is not None
    assert "理財產品無法贖回" in content

"""`complaints smtp`: an SMTP listener (aiosmtpd) that feeds each mail to e-mail intake.

A mail server relays the complaints mailbox here; every message goes through exactly the code
behind POST /v1/channels/email. It answers 250 once the message is stored (a case, a reply on
its case, or an ignored auto-reply), 554 for a message that can never be taken (kept for
inspection), and 451 when the database is unavailable, so the relay retries. It has no
authentication and no TLS of its own: bind it to an address only the relay can reach.
"""

import asyncio
import logging
import signal
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.channels import MessageRejected
from complaints.db.engine import SessionFactory, create_engine, create_session_factory
from complaints.intake import inbound
from complaints.intake.email import receive_email
from complaints.intake.inbound import ChannelIntake
from complaints.jobs import queue
from complaints.now import Now, system_now
from complaints.settings import Settings

log = logging.getLogger(__name__)


class IntakeHandler:
    """aiosmtpd's handler: DATA → e-mail intake."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        intake: ChannelIntake,
        redis_url: str | None,
        clock: Now = system_now,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.intake = intake
        self.redis_url = redis_url
        self._redis: ArqRedis | None = None

    async def _queue(self) -> ArqRedis | None:
        if self._redis is None and self.redis_url:
            try:
                self._redis = await queue.connect(self.redis_url)
            except Exception as error:  # the outbox relay catches up
                log.warning("Redis unavailable, jobs wait in the outbox: %s", type(error).__name__)
        return self._redis

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content: Any = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode("utf-8", "surrogateescape")
        now = self.clock()

        async def handle(db: AsyncSession) -> inbound.Received:
            return await receive_email(db, raw=raw, intake=self.intake, now=now)

        try:
            received = await inbound.receive(
                self.sessions,
                channel="email",
                raw=raw,
                content_type="message/rfc822",
                now=now,
                handle=handle,
                redis=await self._queue(),
            )
        except MessageRejected as rejection:
            return f"554 5.6.0 Message refused ({rejection.code}); kept for inspection"
        except Exception as error:
            log.warning("SMTP intake failed, the sender will retry: %s", type(error).__name__)
            return "451 4.3.0 Temporary failure, please try again later"
        return f"250 2.0.0 {received.outcome} {received.case_number or ''}".rstrip()

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


async def start_server(
    handler: IntakeHandler, *, host: str, port: int, max_message_bytes: int
) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(
            handler,
            hostname="complaints-intake",
            data_size_limit=max_message_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
        ),
        host=host,
        port=port,
    )


async def serve(settings: Settings, *, host: str, port: int) -> None:
    engine = create_engine(settings.require_database_url(), pool_size=5)
    handler = IntakeHandler(
        sessions=create_session_factory(engine),
        intake=ChannelIntake.from_settings(settings),
        redis_url=settings.redis_url,
    )
    server = await start_server(
        handler, host=host, port=port, max_message_bytes=settings.channels.max_upload_bytes
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # aiosmtpd logs envelopes (addresses) at INFO: personal data stays out of the logs.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.info("SMTP intake listening on %s:%d", host, port)
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
        await handler.close()
        await engine.dispose()

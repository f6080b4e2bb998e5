"""E-mail through a real SMTP server (aiosmtplib)."""

from datetime import UTC, datetime

import aiosmtplib

from complaints.notifications.messages import Outbound, PermanentSendError, SendError, build_email


class SmtpSender:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        mail_from: str,
        sender_name: str,
        username: str | None = None,
        password: str | None = None,
        start_tls: bool = False,
        use_tls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.mail_from = mail_from
        self.sender_name = sender_name
        self.username = username
        self.password = password
        self.start_tls = start_tls
        self.use_tls = use_tls
        self.timeout = timeout

    async def send(self, message: Outbound) -> str | None:
        mail = build_email(
            message, mail_from=self.mail_from, sender_name=self.sender_name, now=datetime.now(UTC)
        )
        try:
            await aiosmtplib.send(
                mail,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                start_tls=self.start_tls,
                use_tls=self.use_tls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise PermanentSendError(f"recipient refused: {_codes(error)}") from error
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600:
                raise PermanentSendError(f"SMTP {error.code}") from error
            raise SendError(f"SMTP {error.code}") from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SendError(f"SMTP unavailable: {type(error).__name__}") from error
        return message.headers.get("Message-ID")

    async def close(self) -> None:
        return None


def _codes(error: aiosmtplib.SMTPRecipientsRefused) -> str:
    return ", ".join(str(refusal.code) for refusal in error.recipients) or "no code"

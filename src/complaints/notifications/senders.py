"""The configured sender for each channel."""

from dataclasses import dataclass

from complaints.notifications.file_sender import FileSender
from complaints.notifications.messages import Outbound, Sender
from complaints.notifications.sms_gateway import HttpSmsGateway
from complaints.notifications.smtp_sender import SmtpSender
from complaints.settings import Settings


@dataclass(frozen=True)
class Senders:
    sms: Sender
    email: Sender

    async def send(self, message: Outbound) -> str | None:
        sender = self.email if message.channel == "email" else self.sms
        return await sender.send(message)

    async def close(self) -> None:
        await self.sms.close()
        if self.email is not self.sms:
            await self.email.close()


def senders_from(settings: Settings) -> Senders:
    config = settings.notifications
    files = FileSender(
        settings.data_dir / "outbound", mail_from=config.mail_from, sender_name=config.sender_name
    )
    sms: Sender = files
    if config.sms_sender == "http":
        if not config.sms_gateway_url:
            raise RuntimeError("COMPLAINTS_SMS_SENDER=http needs COMPLAINTS_SMS_GATEWAY_URL")
        sms = HttpSmsGateway(
            url=config.sms_gateway_url,
            template=config.sms_gateway_template,
            token=config.sms_gateway_token.get_secret_value() if config.sms_gateway_token else None,
            timeout=config.sms_gateway_timeout_seconds,
        )
    email: Sender = files
    if config.email_sender == "smtp":
        email = SmtpSender(
            host=config.smtp_host,
            port=config.smtp_port,
            mail_from=config.mail_from,
            sender_name=config.sender_name,
            username=config.smtp_username,
            password=config.smtp_password.get_secret_value() if config.smtp_password else None,
            start_tls=config.smtp_starttls,
            use_tls=config.smtp_tls,
            timeout=config.smtp_timeout_seconds,
        )
    return Senders(sms=sms, email=email)

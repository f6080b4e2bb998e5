"""POST /v1/channels/email: one raw RFC 5322 message from the mail gateway, HMAC-signed."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.channels import MessageRejected
from complaints.intake import inbound
from complaints.intake.email import receive_email
from intake_api.channels import results
from intake_api.channels.deps import ChannelIntakeDep
from intake_api.channels.results import RESPONSES
from intake_api.channels.signature import HEADER, signed_body
from intake_api.dependencies import ERROR_RESPONSES, QueueDep, SettingsDep, now_of

router = APIRouter(prefix="/v1/channels", tags=["channels"], responses=ERROR_RESPONSES)

RFC822 = "message/rfc822"


@router.post(
    "/email",
    status_code=201,
    operation_id="receiveEmail",
    responses={
        **RESPONSES,
        415: {"description": f"The body is not {RFC822}"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                RFC822: {
                    "schema": {"type": "string", "format": "binary"},
                    "example": (
                        "From: 张三 <zhangsan@example.org>\r\nTo: complaints@bank.example\r\n"
                        "Subject: =?UTF-8?B?5L+h55So5Y2h5bm06LS5?=\r\nMessage-ID: <a1@example.org>\r\n"
                        "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
                        "信用卡年费未经同意被扣收，请退还。\r\n"
                    ),
                }
            },
        },
        "parameters": [
            {
                "name": HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "Hex HMAC-SHA256 of the raw body with COMPLAINTS_EMAIL_WEBHOOK_SECRET",
            }
        ],
    },
)
async def receive_email_webhook(
    request: Request, settings: SettingsDep, redis: QueueDep, intake: ChannelIntakeDep
) -> JSONResponse:
    """A new case, a reply added to its case (case number in the subject, or In-Reply-To /
    References naming a message we stored), or an auto-reply/bounce ignored (202)."""
    raw = await signed_body(request, settings.channels.email_webhook_secret, name="email")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    now = now_of(request)

    async def handle(session: AsyncSession) -> inbound.Received:
        if content_type != RFC822:
            raise MessageRejected(
                "content_type", f"the body must be {RFC822}, not {content_type or 'untyped'}"
            )
        return await receive_email(session, raw=raw, intake=intake, now=now)

    return await results.receive(
        request,
        channel="email",
        raw=raw,
        content_type=content_type,
        now=now,
        handle=handle,
        redis=redis,
    )

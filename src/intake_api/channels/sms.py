"""POST /v1/channels/sms: an SMS gateway's inbound webhook (JSON or form), HMAC-signed."""

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.channels import MessageRejected
from complaints.intake import inbound
from complaints.intake.sms import receive_sms
from complaints.schemas.channels import SmsInbound
from intake_api.channels import results
from intake_api.channels.deps import ChannelIntakeDep, RulebooksDep
from intake_api.channels.results import RESPONSES
from intake_api.channels.signature import HEADER, signed_body
from intake_api.dependencies import ERROR_RESPONSES, QueueDep, SettingsDep, now_of

router = APIRouter(prefix="/v1/channels", tags=["channels"], responses=ERROR_RESPONSES)

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def parse(raw: bytes, content_type: str) -> SmsInbound:
    """The gateway's fields, from JSON or a form; anything else is refused (kept, 415/422)."""
    fields: Any
    try:
        if content_type == JSON:
            fields = json.loads(raw)
        elif content_type == FORM:
            fields = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
        else:
            raise MessageRejected(
                "content_type", f"the body must be {JSON} or {FORM}, not {content_type or 'untyped'}"
            )
    except (ValueError, UnicodeDecodeError) as error:
        raise MessageRejected("malformed", f"the body is not valid {content_type}") from error
    if not isinstance(fields, dict):
        raise MessageRejected("malformed", "the body must be one object of fields")
    try:
        return SmsInbound.model_validate(fields)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
        )
        raise MessageRejected("invalid", problems) from None


@router.post(
    "/sms",
    status_code=201,
    operation_id="receiveSms",
    responses={**RESPONSES, 415: {"description": f"The body is neither {JSON} nor {FORM}"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                JSON: {"schema": SmsInbound.model_json_schema(by_alias=True)},
                FORM: {"schema": SmsInbound.model_json_schema(by_alias=True)},
            },
        },
        "parameters": [
            {
                "name": HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "Hex HMAC-SHA256 of the raw body with COMPLAINTS_SMS_WEBHOOK_SECRET",
            }
        ],
    },
)
async def receive_sms_webhook(
    request: Request,
    settings: SettingsDep,
    redis: QueueDep,
    intake: ChannelIntakeDep,
    rulebooks: RulebooksDep,
) -> JSONResponse:
    """A satisfaction answer ("1", "满意" …) to a resolved case is recorded as its callback; a
    message from a number with a case opened in the last 24 h is added to it; otherwise a new
    case. Parts of a long message (same `reference`) wait until all are in (202)."""
    raw = await signed_body(request, settings.channels.sms_webhook_secret, name="sms")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    now = now_of(request)

    async def handle(session: AsyncSession) -> inbound.Received:
        message = parse(raw, content_type)
        return await receive_sms(session, message=message, intake=intake, rulebooks=rulebooks, now=now)

    return await results.receive(
        request,
        channel="sms",
        raw=raw,
        content_type=content_type,
        now=now,
        handle=handle,
        redis=redis,
    )

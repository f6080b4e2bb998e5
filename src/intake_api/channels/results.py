"""How a channel webhook answers: the outcome, with a status code to match."""

from collections.abc import Awaitable, Callable
from datetime import datetime

from arq import ArqRedis
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.channels import MessageRejected
from complaints.intake import inbound
from complaints.schemas.channels import ChannelOutcome, ChannelResult
from intake_api.problems import problem

STATUS = {
    ChannelOutcome.CREATED: 201,
    ChannelOutcome.THREADED: 200,
    ChannelOutcome.CALLBACK: 200,
    ChannelOutcome.DUPLICATE: 200,
    ChannelOutcome.IGNORED: 202,
    ChannelOutcome.WAITING: 202,
}

RESPONSES: dict[int | str, dict[str, object]] = {
    201: {"model": ChannelResult, "description": "A new case was opened (`outcome`: created)"},
    200: {
        "model": ChannelResult,
        "description": "Added to an existing case (threaded, callback) or a repeat delivery (duplicate)",
    },
    202: {"model": ChannelResult, "description": "Taken but no case opened: ignored (auto-reply) or waiting"},
}


def answer(result: ChannelResult) -> JSONResponse:
    headers = {"Location": f"/v1/complaints/{result.case_number}"} if result.case_number else None
    return JSONResponse(result.model_dump(mode="json"), status_code=STATUS[result.outcome], headers=headers)


def refused(rejection: MessageRejected) -> JSONResponse:
    """422, or 415 for a body of the wrong media type; the raw message was kept either way."""
    status = 415 if rejection.code == "content_type" else 422
    title = "Unsupported media type" if status == 415 else "Message refused"
    return problem(
        status, title, f"{rejection.detail} ({rejection.code}); the message was kept for inspection"
    )


async def receive(
    request: Request,
    *,
    channel: str,
    raw: bytes,
    content_type: str | None,
    now: datetime,
    handle: Callable[[AsyncSession], Awaitable[inbound.Received]],
    redis: ArqRedis | None,
) -> JSONResponse:
    """Take one signed message: handle it in one unit of work, then answer."""
    try:
        received = await inbound.receive(
            request.app.state.sessions,
            channel=channel,
            raw=raw,
            content_type=content_type,
            now=now,
            handle=handle,
            redis=redis,
        )
    except MessageRejected as rejection:
        return refused(rejection)
    return answer(received.result())

"""Driving the channels as their real counterparts do: signed webhooks, files the dev sender wrote."""

import hashlib
import hmac
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from tests.conftest import CHANNEL_SECRETS

SMS_SECRET = CHANNEL_SECRETS["sms_webhook_secret"]
EMAIL_SECRET = CHANNEL_SECRETS["email_webhook_secret"]
MAIL_CORPUS = Path(__file__).parents[2] / "complaints" / "channels" / "mail"


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def post_sms(
    client: httpx.AsyncClient, fields: dict[str, Any], *, form: bool = False, secret: str = SMS_SECRET
) -> httpx.Response:
    if form:
        body = httpx.QueryParams({k: str(v) for k, v in fields.items()}).__str__().encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body = json.dumps(fields, ensure_ascii=False).encode()
        content_type = "application/json"
    return await client.post(
        "/v1/channels/sms",
        content=body,
        headers={"Content-Type": content_type, "X-Signature": signature(body, secret)},
    )


async def post_email(
    client: httpx.AsyncClient, raw: bytes, *, secret: str = EMAIL_SECRET, content_type: str = "message/rfc822"
) -> httpx.Response:
    return await client.post(
        "/v1/channels/email",
        content=raw,
        headers={"Content-Type": content_type, "X-Signature": signature(raw, secret)},
    )


def corpus(name: str) -> bytes:
    return (MAIL_CORPUS / name).read_bytes()


def reset_outbound(settings: Settings) -> Path:
    folder = settings.data_dir / "outbound"
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def sent_sms(settings: Settings) -> list[dict[str, Any]]:
    path = settings.data_dir / "outbound" / "sms.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def sent_mail(settings: Settings) -> list[dict[str, Any]]:
    path = settings.data_dir / "outbound" / "mail.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


async def rows(sessions: SessionFactory, model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0

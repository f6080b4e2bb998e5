"""Idempotency-Key: the first answer is stored in the same transaction as the work it describes.

A retry after commit replays the stored answer; a retry while the first request is still
running finds the advisory lock taken and answers 409; a rolled-back first attempt leaves
nothing behind, so the retry simply does the work.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import IdempotencyKey
from complaints.errors import Conflict, InvalidInput


class RequestInFlight(Conflict):
    pass


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


def fingerprint(body: dict[str, Any]) -> str:
    """Equal for the same request however its JSON was spaced or ordered."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(
    session: AsyncSession, *, api_key_id: int, key: str, request_hash: str
) -> StoredResponse | None:
    """The stored answer to replay, or None when this request is the first with this key."""
    locked = await session.scalar(select(func.pg_try_advisory_xact_lock(api_key_id, func.hashtext(key))))
    if not locked:
        raise RequestInFlight("a request with this Idempotency-Key is still being processed")
    stored = await session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.api_key_id == api_key_id, IdempotencyKey.key == key)
    )
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise InvalidInput(
            "this Idempotency-Key was already used with a different request body",
            field="Idempotency-Key",
        )
    return StoredResponse(stored.response_status, stored.response_body)


async def remember(
    session: AsyncSession,
    *,
    api_key_id: int,
    key: str,
    request_hash: str,
    response: StoredResponse,
) -> None:
    session.add(
        IdempotencyKey(
            api_key_id=api_key_id,
            key=key,
            request_hash=request_hash,
            response_status=response.status,
            response_body=response.body,
        )
    )
    await session.flush()

"""Assertions the API tests share: problem-details bodies and 'nothing was written'."""

from typing import Any

import httpx
from sqlalchemy import func, select

from complaints.db.engine import SessionFactory
from complaints.db.models import Case, CaseEvent, IdempotencyKey, OutboxMessage

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: httpx.Response, status: int, *, field: str | None = None) -> dict[str, Any]:
    """An RFC 9457 body with a title and a detail; for validation errors, naming `field`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body


async def count(sessions: SessionFactory, model: type) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def assert_nothing_written(sessions: SessionFactory) -> None:
    for model in (Case, CaseEvent, OutboxMessage, IdempotencyKey):
        rows = await count(sessions, model)
        assert rows == 0, f"{model.__tablename__} has {rows} rows after a rejected request"

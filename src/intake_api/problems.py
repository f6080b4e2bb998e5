"""Every error leaves as RFC 9457 problem details; domain errors are mapped here and only here."""

import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.routing import Match

from complaints.configuration.rulebook import NotConfigured
from complaints.db.errors import is_unavailable
from complaints.errors import (
    Conflict,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from intake_api.body_limit import BodyTooLarge

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None
    allowed: list[str] | None = None


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = Problem(status=status, title=title, detail=detail, **extra)
    sent = dict(headers or {})
    if status == 401:
        sent.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=sent or None,
    )


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(400, "Malformed JSON", "the request body is not valid JSON")
    return problem(
        422,
        "Invalid request",
        "; ".join(f"{_field(e['loc'])}: {e['msg']}" for e in errors),
        errors=[FieldError(field=_field(e["loc"]), message=e["msg"]) for e in errors],
        allowed=_choices(errors),
    )


def _choices(errors: Sequence[Any]) -> list[str] | None:
    """The values a mistyped enum field accepts (pydantic names them only in a sentence)."""
    for error in errors:
        if error["type"] in ("enum", "literal_error"):
            return re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", "")) or None
    return None


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method the path answers to (Starlette names only those of the first route matched)."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    title = exc.title if isinstance(exc, BodyTooLarge) else HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return problem(exc.status_code, title, str(exc.detail), headers=headers)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, Unauthorized):
        return problem(401, "Unauthorized", str(exc))
    if isinstance(exc, NotFound):
        return problem(404, "Not found", str(exc))
    if isinstance(exc, Forbidden):
        return problem(403, "Forbidden", str(exc))
    if isinstance(exc, IllegalTransition):
        return problem(409, "Action not allowed now", str(exc), allowed=exc.allowed)
    if isinstance(exc, Conflict):
        return problem(409, "Conflict", str(exc))
    if isinstance(exc, InvalidInput):
        errors = [FieldError(field=exc.field, message=str(exc))] if exc.field else None
        return problem(422, "Invalid request", str(exc), errors=errors, allowed=exc.allowed)
    if isinstance(exc, NotConfigured):
        return problem(503, "Not configured", str(exc))
    if isinstance(exc, TooManyRequests):
        return problem(429, "Too many requests", str(exc), headers={"Retry-After": str(exc.retry_after)})
    raise exc


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database is down or every connection is busy: ask the caller to come back."""
    if not is_unavailable(exc):
        raise exc
    retry_after = getattr(request.app.state, "retry_after_seconds", 1)
    return problem(
        503,
        "Service unavailable",
        "the database is busy or unreachable; retry after the time given (with the same Idempotency-Key)",
        headers={"Retry-After": str(retry_after)},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    for error in (Unauthorized, NotFound, Forbidden, Conflict, InvalidInput, NotConfigured, TooManyRequests):
        app.add_exception_handler(error, _domain)
    for unavailable in (PoolTimeout, DBAPIError, OSError):
        app.add_exception_handler(unavailable, _unavailable)

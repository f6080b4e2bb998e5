"""The ids that tie log lines together: the request, the job and the case, in contextvars.

Whoever starts a unit of work binds them (the API per request, a worker per job); every log
line written meanwhile carries them, across awaits and without passing them around.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
job_id: ContextVar[str | None] = ContextVar("job_id", default=None)
case_number: ContextVar[str | None] = ContextVar("case_number", default=None)

_ALL = {"request_id": request_id, "job_id": job_id, "case_number": case_number}


def current() -> dict[str, str]:
    """The ids bound now, by name; unbound ones are left out."""
    return {name: value for name, var in _ALL.items() if (value := var.get()) is not None}


@contextmanager
def bound(var: ContextVar[str | None], value: str | None) -> Iterator[None]:
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def bind_case(number: str) -> None:
    """The case a request or job is about, once it is known (reset with the enclosing scope)."""
    case_number.set(number)

"""Moments as the API documents them: RFC 3339 strings, never a bare number; flags as booleans.

Pydantic reads a number (or a numeric string) as seconds since 1970, so `"received_to": 0.5`
would be taken for a moment in 1970 instead of being refused as the schema promises.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated, get_args

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, NaiveDatetime

_NUMBER = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")


def rfc3339_only(value: object) -> object:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("must be an RFC 3339 date-time string, e.g. 2026-11-23T10:00:00+08:00")
    return value


def storable(value: datetime) -> datetime:
    """A moment that exists in UTC. `0001-01-01T00:00:00+08:00` is the last day of year 0 in
    UTC and `9999-12-31T23:59:59-08:00` lies in year 10000: Python cannot convert either,
    so comparing or storing one raised OverflowError (a 500) far from where it came in."""
    if value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError("must lie between the years 1 and 9999 in UTC") from None
    return value


# For query parameters; request bodies (complaint.Strict) check every date-time field themselves.
Moment = Annotated[AwareDatetime, BeforeValidator(rfc3339_only), AfterValidator(storable)]


def is_moment(annotation: object) -> bool:
    """Whether a field's type is a date-time (alone, optional, or inside Annotated)."""
    if annotation in (datetime, AwareDatetime, NaiveDatetime):
        return True
    return any(is_moment(argument) for argument in get_args(annotation))


def is_flag(annotation: object) -> bool:
    """Whether a field's type is a boolean (alone or optional): pydantic would also take 0 or "yes"."""
    return annotation is bool or (
        bool in get_args(annotation) and all(a in (bool, type(None)) for a in get_args(annotation))
    )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date_only(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_DATE.match(value)):
        raise ValueError("must be a date as YYYY-MM-DD, e.g. 2026-11-23")
    return value


# A calendar day in a query parameter; pydantic would also read 0 as 1970-01-01.
Day = Annotated[date, BeforeValidator(iso_date_only)]

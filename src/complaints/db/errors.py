"""Telling "the database is unavailable, try again soon" from a real error."""

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# SQLSTATEs of a server that cannot take us now: connection exceptions (class 08), shutdowns
# and "cannot connect now" (57P01-57P03), too many connections (53300).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def is_unavailable(error: BaseException) -> bool:
    """Postgres unreachable, restarting, or every pooled connection busy: worth a retry."""
    if isinstance(error, PoolTimeout | ConnectionError | OSError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if isinstance(state, str) and state.startswith(_UNAVAILABLE_STATES):
        return True
    cause = error.orig.__cause__ if error.orig is not None else None
    return isinstance(cause, ConnectionError | OSError) or type(cause).__name__ in (
        "ConnectionDoesNotExistError",
        "InterfaceError",
    )

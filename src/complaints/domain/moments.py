"""The one check every domain function makes of a moment it is given."""

from datetime import datetime


def require_aware(moment: datetime, name: str) -> None:
    # A naive datetime would be read in the server's local zone: wrong by hours, silently.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")

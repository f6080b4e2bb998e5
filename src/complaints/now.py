"""Where the current moment comes from: one seam, so that a test can choose the day it runs on.

The API's app factory and the workers take a `Now` (the system clock unless told otherwise) and
hand it down; code on a request's or a job's path asks it, never `datetime.now`, so deadlines,
sweeps and report windows follow the injected time.
"""

from collections.abc import Callable
from datetime import UTC, datetime

# The current moment, aware, in UTC.
Now = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)

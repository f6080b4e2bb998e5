"""The time the app and the workers see in tests (complaints.now's seam), and the days it is set to.

Every test runs at a fixed day: `DEFAULT_DAY`, or, for a test marked `calendar`, each of `DAYS` in
turn (conftest parametrizes the `today` fixture). Nothing on a request's or a job's path reads the
wall clock, so no test depends on the date the suite runs.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# An ordinary Wednesday, after every fixed date the tests file a case on.
DEFAULT_DAY = date(2026, 12, 2)
# The hour of the day a test starts at, in Asia/Shanghai: office hours, a working day's middle.
START = time(10, 0)

# The days the calendar-sensitive tests also run on (2026's schedule: Spring Festival 02-15..23
# with make-up workdays 02-14 and 02-28; National Day 10-01..07 with make-up 09-20 and 10-10).
DAYS = {
    "month-end-saturday": date(2026, 1, 31),
    "friday-before-spring-festival": date(2026, 2, 13),
    "make-up-saturday-before-spring-festival": date(2026, 2, 14),
    "during-spring-festival": date(2026, 2, 18),
    "last-day-of-spring-festival": date(2026, 2, 23),
    "make-up-saturday-month-end": date(2026, 2, 28),
    "month-end-before-labour-day": date(2026, 4, 30),
    "friday-before-make-up-sunday": date(2026, 9, 18),
    "month-end-before-national-day": date(2026, 9, 30),
    "during-national-day": date(2026, 10, 4),
    "make-up-saturday-after-national-day": date(2026, 10, 10),
    "new-years-eve-into-2027": date(2026, 12, 31),
}


class FrozenClock:
    """Stands still until the test moves it: calls return the same aware UTC moment.

    A test that drives a server process (which reads the wall clock) makes it follow the wall
    clock instead, so that what it runs in-process agrees with the server.
    """

    def __init__(self, moment: datetime) -> None:
        self.moment: datetime | None = moment

    def __call__(self) -> datetime:
        return self.moment or datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a naive moment: give the clock an aware one")
        self.moment = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self.set(self() + delta)
        return self()

    def follow_wall_clock(self) -> None:
        self.moment = None

    @property
    def today(self) -> date:
        """The day in Asia/Shanghai (the demo bank's zone)."""
        return self().astimezone(SHANGHAI).date()


def start_of(day: date) -> datetime:
    return datetime.combine(day, START, tzinfo=SHANGHAI).astimezone(UTC)


# One clock for the whole test run, reset to the test's day before each test (conftest): the
# app, the in-process workers and the test itself all read this one.
CLOCK = FrozenClock(start_of(DEFAULT_DAY))

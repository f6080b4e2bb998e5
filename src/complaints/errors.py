"""Domain exceptions; the API maps them to problem details in one place."""


class ComplaintsError(Exception):
    """Base of every error the shared package raises on purpose."""


class NotFound(ComplaintsError):
    pass


class Conflict(ComplaintsError):
    pass


class InvalidInput(ComplaintsError):
    """Input that passed schema validation but breaks a domain rule."""

    def __init__(self, message: str, *, field: str | None = None, allowed: list[str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        # What the field accepts, when that is a short list worth showing the caller.
        self.allowed = allowed


class CalendarNotCovered(ComplaintsError):
    """A date falls in a year neither chinese-calendar nor the configuration describes."""


class IllegalTransition(Conflict):
    def __init__(self, status: str, action: str, allowed: list[str]) -> None:
        super().__init__(f"action {action!r} is not allowed in status {status!r}")
        self.status = status
        self.action = action
        self.allowed = allowed


class Forbidden(ComplaintsError):
    """The caller is known but lacks the scope for this."""


class Unauthorized(ComplaintsError):
    """No credentials, or credentials nobody issued."""


class TooManyRequests(ComplaintsError):
    """A rate limit was reached; `retry_after` seconds until the window resets."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

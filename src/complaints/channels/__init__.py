"""Framework-free parsing of what the public channels deliver (MIME mail, SMS, replies)."""


class MessageRejected(Exception):
    """A signed message intake cannot take. `code` is short and carries no personal data."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

"""Column types that seal personal data on the way into Postgres and open it on the way out.

Code reads and writes plain values; the table holds only envelopes (complaints.db.pii). A sealed
column cannot be compared in SQL — every sealing uses a fresh nonce — so look people up by
their keyed hashes (the `*_hash` columns), never by `column == value`.
"""

import json
from typing import Any

from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

from complaints.db import pii


class SealedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        # Bound into the envelope as associated data: a value opens only in its own column.
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else pii.current().seal(value, purpose=self.purpose)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else pii.current().open(value, purpose=self.purpose)


class SealedJson(TypeDecorator[dict[str, Any]]):
    """A JSON object kept sealed (e.g. a stored response that shows personal data)."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        return pii.current().seal(text, purpose=self.purpose)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, Any] | None:
        if value is None:
            return None
        loaded: dict[str, Any] = json.loads(pii.current().open(value, purpose=self.purpose))
        return loaded

"""The one place personal data is scrubbed from what leaves the process as a log line.

Names and complaint text are never logged in the first place (nothing formats them into a
message); this is the safety net for what slips through by accident: numbers and addresses in
a driver's error text, a value echoed in an exception, a parameter list.
"""

import re

# A number standing on its own, not digits inside an identifier such as a case number
# (TS20261123000001) or a hex request id.
_ALONE_BEFORE = r"(?<![\dA-Za-z])"
_ALONE_AFTER = r"(?![\dA-Za-z])"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # SQLAlchemy's "[parameters: (...)]" and "[SQL parameters ...]" carry every bound value.
    (re.compile(r"\[parameters: .*?\](?=\s|$)", re.DOTALL), "[parameters: redacted]"),
    # Postgres' "DETAIL:  Key (column)=(value) already exists."
    (re.compile(r"(Key \([^)]*\)=\()[^)]*(\))"), r"\1redacted\2"),
    (re.compile(r"\bFailing row contains \(.*?\)", re.DOTALL), "Failing row contains (redacted)"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Resident ID numbers (18 characters, the last may be X) and card/account numbers.
    (re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"), "[id]"),
    (re.compile(rf"{_ALONE_BEFORE}\d{{12,19}}{_ALONE_AFTER}"), "[number]"),
    # Mainland mobile numbers, with or without +86, and landlines with an area code.
    (re.compile(rf"{_ALONE_BEFORE}(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{{4}}){{2}}{_ALONE_AFTER}"), "[phone]"),
    (re.compile(rf"{_ALONE_BEFORE}0\d{{2,3}}-?\d{{7,8}}{_ALONE_AFTER}"), "[phone]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text

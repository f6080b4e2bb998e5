"""What a complainant may attach: how many, how large, which types — and do the bytes agree?"""

from collections.abc import Sequence
from dataclasses import dataclass

from complaints.errors import InvalidInput

# Leading bytes of the types a complainant sends (recordings, photos, scans).
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "audio/amr": (b"#!AMR",),
    "audio/mpeg": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
}


@dataclass(frozen=True)
class AttachmentLimits:
    max_bytes: int
    max_count: int
    types: frozenset[str]


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content_type: str
    # The file itself, or (for a recording kept on the call-center's server) where it lives.
    data: bytes | None = None
    url: str | None = None


def bytes_agree(content_type: str, data: bytes) -> bool:
    """False when the bytes are plainly not the declared type (an .exe called photo.jpg)."""
    if content_type in _SIGNATURES:
        return data.startswith(_SIGNATURES[content_type])
    if content_type in ("audio/wav", "audio/x-wav"):
        return data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    if content_type == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if content_type == "audio/mp4":
        return data[4:8] == b"ftyp"
    if content_type == "text/plain":
        return b"\x00" not in data
    return True


def problem_with(file: IncomingFile, limits: AttachmentLimits) -> str | None:
    """Why this file is refused, or None."""
    content_type = file.content_type.lower()
    if content_type not in limits.types:
        return f"type {content_type} is not accepted (accepted: {', '.join(sorted(limits.types))})"
    if file.data is None:
        return None if file.url else "neither the file nor its url was given"
    if not file.data:
        return "the file is empty"
    if len(file.data) > limits.max_bytes:
        return f"the file is larger than {limits.max_bytes} bytes"
    if not bytes_agree(content_type, file.data):
        return f"the file's content is not {content_type}"
    return None


def check(files: Sequence[IncomingFile], limits: AttachmentLimits, *, field: str = "attachments") -> None:
    """All or nothing: the first file refused refuses the request (before anything is stored)."""
    if len(files) > limits.max_count:
        raise InvalidInput(f"at most {limits.max_count} attachments are accepted", field=field)
    for index, file in enumerate(files):
        problem = problem_with(file, limits)
        if problem is not None:
            raise InvalidInput(f"attachment {file.filename!r}: {problem}", field=f"{field}.{index}")


def accepted(
    files: Sequence[IncomingFile], limits: AttachmentLimits
) -> tuple[list[IncomingFile], list[tuple[str, str]]]:
    """Lenient (mail): keep what passes, and say which were dropped and why."""
    kept: list[IncomingFile] = []
    dropped: list[tuple[str, str]] = []
    for file in files:
        problem = "too many attachments" if len(kept) >= limits.max_count else problem_with(file, limits)
        if problem is None:
            kept.append(file)
        else:
            dropped.append((file.filename, problem))
    return kept, dropped

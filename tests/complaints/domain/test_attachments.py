import pytest

from complaints.domain.attachments import AttachmentLimits, IncomingFile, accepted, bytes_agree, check
from complaints.errors import InvalidInput

LIMITS = AttachmentLimits(
    max_bytes=100, max_count=2, types=frozenset({"image/png", "application/pdf", "audio/wav"})
)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 10
PDF = b"%PDF-1.4 hello"


def test_files_within_the_limits_pass() -> None:
    check([IncomingFile("a.png", "image/png", PNG), IncomingFile("b.pdf", "application/pdf", PDF)], LIMITS)
    check([IncomingFile("call.wav", "audio/wav", url="https://pbx.example.cn/rec/1.wav")], LIMITS)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([IncomingFile("a.png", "image/png", PNG)] * 3, "at most 2"),
        ([IncomingFile("a.exe", "application/x-msdownload", b"MZ")], "not accepted"),
        ([IncomingFile("big.pdf", "application/pdf", b"%PDF-" + b"0" * 200)], "larger than"),
        ([IncomingFile("photo.png", "image/png", b"MZ\x90\x00 an executable")], "not image/png"),
        ([IncomingFile("empty.pdf", "application/pdf", b"")], "empty"),
    ],
    ids=["too-many", "type", "size", "bytes-disagree", "empty"],
)
def test_what_breaks_a_limit_is_refused_naming_it(files: list[IncomingFile], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check(files, LIMITS)


def test_mail_keeps_what_passes_and_says_what_was_dropped() -> None:
    kept, dropped = accepted(
        [IncomingFile("a.png", "image/png", PNG), IncomingFile("v.exe", "application/x-msdownload", b"MZ")],
        LIMITS,
    )
    assert [f.filename for f in kept] == ["a.png"]
    assert dropped[0][0] == "v.exe"


def test_wav_needs_its_riff_header() -> None:
    assert bytes_agree("audio/wav", b"RIFF\x00\x00\x00\x00WAVEfmt ")
    assert not bytes_agree("audio/wav", b"ID3 mp3 really")

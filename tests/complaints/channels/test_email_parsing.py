"""The mail corpus (mail/*.eml): the shapes Chinese mail really arrives in, decoded."""

from pathlib import Path

import pytest

from complaints.channels import MessageRejected
from complaints.channels.email_parsing import (
    case_numbers_in,
    codec_for,
    decode_header_value,
    parse_mail,
    strip_quoted,
)
from complaints.channels.html_text import html_to_text

CORPUS = Path(__file__).parent / "mail"


def mail(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_gb2312_base64_with_a_gbk_only_character_decodes_as_gb18030() -> None:
    parsed = parse_mail(mail("gb2312_base64.eml"))

    assert parsed.subject == "信用卡年费被乱扣，请退还"
    assert parsed.from_name == "王小明"
    assert parsed.from_address == "wangxm@example.cn"
    assert "上月账单中出现一笔200元的年费" in parsed.text
    assert "朱镕基路" in parsed.text  # 镕 is GBK, not GB2312: a strict gb2312 decoder fails here
    assert parsed.message_id == "<202611230912403326117@example.cn>"
    assert parsed.automatic is None


def test_gbk_quoted_printable_prefers_the_plain_part_of_an_alternative() -> None:
    parsed = parse_mail(mail("gbk_quoted_printable.eml"))

    assert parsed.subject == "投诉城西支行服务态度"
    assert parsed.from_name == "李华"
    assert parsed.text.startswith("各位领导：")
    assert "排队两个小时无人理睬" in parsed.text
    assert "<p>" not in parsed.text
    assert parsed.attachments == ()


def test_big5_traditional_chinese() -> None:
    parsed = parse_mail(mail("big5.eml"))

    assert parsed.subject == "理財產品無法贖回"
    assert parsed.from_name == "陳大文"
    assert "理財經理當初誇大收益" in parsed.text


def test_multipart_keeps_its_attachments_with_decoded_filenames() -> None:
    parsed = parse_mail(mail("multipart_attachment.eml"))

    assert parsed.subject == "手机银行转账失败"
    assert "钱被扣了但对方没有收到" in parsed.text
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("回单.pdf", "application/pdf"),
        ("截图.jpg", "image/jpeg"),
    ]
    assert parsed.attachments[0].data.startswith(b"%PDF-")
    assert parsed.attachments[1].data.startswith(b"\xff\xd8\xff")


def test_html_only_mail_becomes_clean_text() -> None:
    parsed = parse_mail(mail("html_only.eml"))

    assert parsed.subject == "ATM吞卡"
    assert "ATM取款机吞卡，已经三天了还没有退还" in parsed.text
    assert "请尽快处理&回复" in parsed.text  # entities decoded
    for leftover in ("<div>", "alert(", "color:red", "&nbsp;"):
        assert leftover not in parsed.text


def test_a_reply_names_its_thread_and_its_quote_can_be_cut() -> None:
    parsed = parse_mail(mail("reply_in_thread.eml"))

    assert parsed.in_reply_to == ("<{RECEIPT_ID}>",)
    assert parsed.thread_ids[0] == "<{RECEIPT_ID}>"
    assert "<202611230912403326117@example.cn>" in parsed.thread_ids
    new = strip_quoted(parsed.text)
    assert new.startswith("补充一下：年费是11月5日扣的")
    assert "原始邮件" not in new
    assert "您的投诉已受理" not in new


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("auto_reply.eml", "Auto-Submitted: auto-replied"),
        ("bounce.eml", "delivery report (multipart/report)"),
    ],
)
def test_auto_replies_and_bounces_are_recognised(name: str, why: str) -> None:
    assert parse_mail(mail(name)).automatic == why


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ("Precedence: bulk", "Precedence: bulk"),
        ("Precedence: list", "Precedence: list"),
        ("Auto-Submitted: no", None),
        ("X-Autoreply: yes", "X-Autoreply header"),
        ("Return-Path: <>", "null return path (a bounce)"),
    ],
)
def test_automatic_headers(headers: str, expected: str | None) -> None:
    raw = f"From: a@example.cn\r\nSubject: hi\r\n{headers}\r\n\r\nhello\r\n".encode()
    assert parse_mail(raw).automatic == expected


def test_mail_from_the_mailer_daemon_is_a_bounce() -> None:
    raw = b"From: MAILER-DAEMON@mx.example.cn\r\nSubject: failure notice\r\n\r\nsorry\r\n"
    assert parse_mail(raw).automatic == "sent by a mailer daemon"


@pytest.mark.parametrize(
    ("name", "code"),
    [("malformed_multipart.eml", "malformed"), ("unknown_charset.eml", "unknown_charset")],
)
def test_broken_mail_is_refused_with_a_reason(name: str, code: str) -> None:
    with pytest.raises(MessageRejected) as refused:
        parse_mail(mail(name))
    assert refused.value.code == code


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"just some text, no headers at all",
        b"Subject: no sender\r\n\r\nhello\r\n",
        b"From: nobody\r\nSubject: no address\r\n\r\nhello\r\n",
        b"From: a@example.cn\r\n\r\n   \r\n",
    ],
    ids=["empty", "not-a-mail", "no-from", "from-without-address", "no-subject-no-text"],
)
def test_what_is_not_a_complaint_mail_is_refused(raw: bytes) -> None:
    with pytest.raises(MessageRejected):
        parse_mail(raw)


def test_a_charset_that_is_a_binary_codec_is_unknown() -> None:
    with pytest.raises(MessageRejected):
        codec_for("base64")


def test_every_gb_label_decodes_as_gb18030() -> None:
    for label in ("gb2312", "GBK", "x-gbk", "cp936", "GB18030"):
        assert codec_for(label) == "gb18030"
    assert codec_for("big5") == "big5hkscs"


def test_encoded_words_in_several_charsets_and_raw_utf8_headers() -> None:
    assert decode_header_value("=?gb2312?B?zbbL3w==?= =?utf-8?B?5oqV6K+J?=") == "投诉投诉"
    raw_utf8 = "投诉".encode().decode("ascii", "surrogateescape")
    assert decode_header_value(raw_utf8) == "投诉"
    # A header in an unknown charset is no reason to refuse the mail: its ASCII is kept.
    assert decode_header_value("=?x-unknown?B?YWJj?=") == "abc"


def test_case_numbers_are_found_next_to_chinese_text() -> None:
    assert case_numbers_in("回复：投诉受理回执 [TS20261123000001]", prefix="TS") == ["TS20261123000001"]
    assert case_numbers_in("编号TS20261123000042补充", prefix="TS") == ["TS20261123000042"]
    assert case_numbers_in("TS2026112300000123", prefix="TS") == []


def test_html_to_text_keeps_line_structure() -> None:
    assert html_to_text("<p>一</p><p>二<br>三</p><script>x()</script>") == "一\n\n二\n三"


def _from(header: str) -> bytes:
    return f"From: {header}\r\nSubject: hi\r\n\r\nhello\r\n".encode()


@pytest.mark.parametrize(
    "header",
    [
        "=?UTF-8?B?dmljdGltQGJhbmsuZXhhbXBsZQ==?= <attacker@evil.example>",
        '"=?UTF-8?B?dmljdGltQGJhbmsuZXhhbXBsZQ==?=" <attacker@evil.example>',
        "=?UTF-8?Q?victim=40bank=2Eexample_=3C?= <attacker@evil.example>",
        "=?UTF-8?B?PHZpY3RpbUBiYW5rLmV4YW1wbGU+?= <attacker@evil.example>",
    ],
    ids=["bare-address-name", "quoted-address-name", "q-encoded-angle", "encoded-angle-address"],
)
def test_an_encoded_display_name_is_never_read_as_the_address(header: str) -> None:
    """The address comes from the raw header; RFC 2047 applies to the display name only."""
    parsed = parse_mail(_from(header))

    assert parsed.from_address == "attacker@evil.example"
    assert parsed.from_name is not None
    assert "victim@bank.example" in parsed.from_name


@pytest.mark.parametrize(
    "header",
    [
        "=?UTF-8?B?dmljdGltQGJhbmsuZXhhbXBsZQ==?=",
        "victim@bank.example <attacker@evil.example>",
        "victim@bank.example@evil.example",
        "victim@bank.example, attacker@evil.example",
    ],
    ids=["address-only-inside-an-encoded-word", "bare-address-as-name", "two-ats", "two-mailboxes"],
)
def test_a_from_header_without_exactly_one_plain_mailbox_is_refused(header: str) -> None:
    with pytest.raises(MessageRejected):
        parse_mail(_from(header))


def test_display_names_are_still_decoded_in_any_charset() -> None:
    parsed = parse_mail(_from("=?gb2312?B?zfXQocP3?= <WangXM@Example.cn>"))
    assert (parsed.from_name, parsed.from_address) == ("王小明", "wangxm@example.cn")
    parsed = parse_mail("From: 王小明 <wangxm@example.cn>\r\nSubject: hi\r\n\r\nhello\r\n".encode())
    assert (parsed.from_name, parsed.from_address) == ("王小明", "wangxm@example.cn")


def test_a_header_that_decodes_to_line_breaks_is_one_line() -> None:
    parsed = parse_mail(
        b"From: a@example.cn\r\nSubject: =?UTF-8?B?5bm06LS5DQpCY2M6IHhAeS5jbg==?=\r\n\r\nhello\r\n"
    )
    assert parsed.subject == "年费  Bcc: x@y.cn"

"""The mail gateway's webhook: signed raw RFC 5322 mail in every charset Chinese mail uses."""

import base64
import email
import email.policy
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from complaints.db.engine import SessionFactory
from complaints.db.models import Attachment, Case, CaseEvent, ChannelMessage, Notification, RejectedMessage
from complaints.settings import Settings
from tests.factories import run_routing_worker
from tests.intake_api.channels.helpers import corpus, post_email, rows, sent_mail


@pytest.mark.parametrize(
    ("name", "expected_words", "unit"),
    [
        ("gb2312_base64.eml", "朱镕基路支行附近的客户", "HQ-CARD"),
        # A service complaint about a branch goes to that branch.
        ("gbk_quoted_printable.eml", "排队两个小时无人理睬", "BR-002"),
        # Traditional script is read: a wealth manager's exaggerated returns go to HQ-WM.
        ("big5.eml", "理財經理當初誇大收益", "HQ-WM"),
        # Which card the ATM swallowed is unsaid (credit → card centre, debit → operations):
        # the unit is unsure, so the case waits in HQ-CP's triage.
        ("html_only.eml", "ATM取款机吞卡", "HQ-CP"),
        ("multipart_attachment.eml", "钱被扣了但对方没有收到", "HQ-EBANK"),
    ],
)
async def test_each_mail_opens_a_case_in_its_own_words_and_is_routed(
    client: httpx.AsyncClient, settings: Settings, name: str, expected_words: str, unit: str
) -> None:
    response = await post_email(client, corpus(name))

    assert response.status_code == 201, response.text
    result = response.json()
    assert result["outcome"] == "created"
    await run_routing_worker(settings)
    case = (await client.get(f"/v1/complaints/{result['case_number']}")).json()
    assert case["channel"] == "email"
    assert expected_words in case["content"]
    assert case["status"] == "assigned"
    assert case["unit"] == unit


async def test_mail_attachments_are_kept(client: httpx.AsyncClient, sessions: SessionFactory) -> None:
    number = (await post_email(client, corpus("multipart_attachment.eml"))).json()["case_number"]

    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert [(a["filename"], a["content_type"]) for a in case["attachments"]] == [
        ("回单.pdf", "application/pdf"),
        ("截图.jpg", "image/jpeg"),
    ]
    assert await rows(sessions, Attachment) == 2


async def test_the_receipt_is_a_reply_in_the_same_thread_and_a_reply_to_it_joins_the_case(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, outbound: Path
) -> None:
    number = (await post_email(client, corpus("gb2312_base64.eml"))).json()["case_number"]
    await run_routing_worker(settings)

    [receipt] = sent_mail(settings)
    assert receipt["to"] == "wangxm@example.cn"
    assert receipt["In-Reply-To"] == "<202611230912403326117@example.cn>"
    assert number in receipt["subject"]
    assert receipt["subject"].startswith("Re: 信用卡年费被乱扣")
    sent = email.message_from_bytes(
        (outbound / "mail" / receipt["file"]).read_bytes(), policy=email.policy.default
    )
    assert sent["Auto-Submitted"] == "auto-generated"
    body = sent.get_body(preferencelist=("plain",))
    assert body is not None
    assert number in body.get_content()

    reply = corpus("reply_in_thread.eml").replace(b"{RECEIPT_ID}", receipt["Message-ID"].strip("<>").encode())
    response = await post_email(client, reply)

    assert response.status_code == 200, response.text
    assert response.json() == {"outcome": "threaded", "case_number": number, "detail": None}
    async with sessions() as session:
        assert await session.scalar(select(Case.id).where(Case.case_number != number)) is None  # no new case
        event = await session.scalar(select(CaseEvent).where(CaseEvent.kind == "message"))
    assert event is not None
    assert event.data["channel"] == "email"
    assert str(event.data["text"]).startswith("补充一下：年费是11月5日扣的")
    assert "原始邮件" not in str(event.data["text"])


async def test_a_case_number_in_the_subject_threads_only_for_the_cases_own_complainant(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    number = (await post_email(client, corpus("gb2312_base64.eml"))).json()["case_number"]

    def follow_up(sender: str, message_id: str) -> bytes:
        return (
            f"From: {sender}\r\nSubject: =?utf-8?B?6KGl5YWF?= {number}\r\nMessage-ID: <{message_id}>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n补充：卡号尾号8888\r\n"
        ).encode()

    own = await post_email(client, follow_up("WangXM@example.cn", "f1@example.cn"))
    stranger = await post_email(client, follow_up("someone.else@example.net", "f2@example.net"))

    assert own.json()["outcome"] == "threaded"
    assert own.json()["case_number"] == number
    assert stranger.json()["outcome"] == "created"  # not added to another person's case
    assert stranger.json()["case_number"] != number


async def test_an_encoded_display_name_that_looks_like_the_victim_neither_threads_nor_receives(
    client: httpx.AsyncClient, settings: Settings, outbound: Path
) -> None:
    """The attacker writes the victim's address as an RFC 2047 display name and the victim's
    case number in the subject: the address is the attacker's, so a new case is opened for
    the attacker and every receipt goes to the attacker, none to the victim."""
    number = (await post_email(client, corpus("gb2312_base64.eml"))).json()["case_number"]
    victim = base64.b64encode(b"wangxm@example.cn").decode()
    spoof = (
        f"From: =?UTF-8?B?{victim}?= <attacker@evil.example>\r\nSubject: {number}\r\n"
        "Message-ID: <spoof1@evil.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "请把退款转到以下账户\r\n"
    ).encode()

    response = await post_email(client, spoof)

    assert response.json()["outcome"] == "created"
    assert response.json()["case_number"] != number
    victims = (await client.get(f"/v1/complaints/{number}/events")).json()
    assert "请把退款转到以下账户" not in str(victims)
    await run_routing_worker(settings)
    receipts = {mail["subject"]: mail["to"] for mail in sent_mail(settings)}
    assert sorted(receipts.values()) == ["attacker@evil.example", "wangxm@example.cn"]
    assert all(to == "attacker@evil.example" for subject, to in receipts.items() if number not in subject)


async def test_a_reply_to_someone_elses_receipt_does_not_join_their_case(
    client: httpx.AsyncClient, settings: Settings, outbound: Path
) -> None:
    """A receipt's Message-ID follows from the case number: knowing it is no proof of being
    the complainant, so threading by In-Reply-To/References also needs the sender to match."""
    number = (await post_email(client, corpus("gb2312_base64.eml"))).json()["case_number"]
    await run_routing_worker(settings)
    [receipt] = sent_mail(settings)
    forged = (
        f"From: attacker@evil.example\r\nSubject: Re: receipt\r\nMessage-ID: <spoof2@evil.example>\r\n"
        f"In-Reply-To: {receipt['Message-ID']}\r\nReferences: <202611230912403326117@example.cn>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n请把退款转到以下账户\r\n"
    ).encode()

    response = await post_email(client, forged)

    assert response.json()["outcome"] == "created"
    assert response.json()["case_number"] != number
    assert "请把退款转到以下账户" not in str((await client.get(f"/v1/complaints/{number}/events")).json())


async def test_an_encoded_line_break_in_the_subject_neither_blocks_nor_forges_the_receipt(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, outbound: Path
) -> None:
    subject = base64.b64encode("年费被乱扣\r\nBcc: victim@example.cn".encode()).decode()
    raw = (
        f"From: wangxm@example.cn\r\nSubject: =?UTF-8?B?{subject}?=\r\nMessage-ID: <crlf@example.cn>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n上月账单中出现一笔年费\r\n"
    ).encode()

    number = (await post_email(client, raw)).json()["case_number"]
    await run_routing_worker(settings)

    [receipt] = sent_mail(settings)
    assert receipt["to"] == "wangxm@example.cn"
    sent = email.message_from_bytes(
        (outbound / "mail" / receipt["file"]).read_bytes(), policy=email.policy.default
    )
    assert sent["Bcc"] is None
    assert sent["Subject"] == f"Re: 年费被乱扣 Bcc: victim@example.cn [{number}]"
    async with sessions() as session:
        assert await session.scalar(select(Notification.state)) == "sent"


@pytest.mark.parametrize("name", ["auto_reply.eml", "bounce.eml"])
async def test_auto_replies_and_bounces_open_nothing(
    client: httpx.AsyncClient, sessions: SessionFactory, name: str
) -> None:
    response = await post_email(client, corpus(name))

    assert response.status_code == 202, response.text
    assert response.json()["outcome"] == "ignored"
    assert await rows(sessions, Case) == 0


async def test_a_redelivered_mail_answers_as_before_and_opens_nothing_new(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    first = await post_email(client, corpus("big5.eml"))
    again = await post_email(client, corpus("big5.eml"))

    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    assert again.json()["case_number"] == first.json()["case_number"]
    assert await rows(sessions, Case) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Signature": "0" * 64}, {"X-Signature": "not hex"}],
    ids=["missing", "wrong", "garbage"],
)
async def test_an_unsigned_or_wrongly_signed_mail_is_a_401_and_nothing_is_kept(
    client: httpx.AsyncClient, sessions: SessionFactory, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/channels/email",
        content=corpus("big5.eml"),
        headers={"Content-Type": "message/rfc822", **headers},
    )

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert await rows(sessions, Case) == 0
    assert await rows(sessions, RejectedMessage) == 0


async def test_a_mail_signed_with_another_secret_is_a_401(client: httpx.AsyncClient) -> None:
    response = await post_email(client, corpus("big5.eml"), secret="not-the-secret")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (corpus("malformed_multipart.eml"), "malformed"),
        (corpus("unknown_charset.eml"), "unknown_charset"),
        (b"", "malformed"),
        (b"From: a@example.cn\r\n\r\n", "empty"),
    ],
    ids=["malformed-mime", "unknown-charset", "empty-body", "no-text"],
)
async def test_a_mail_intake_cannot_take_is_a_422_kept_whole_for_inspection(
    client: httpx.AsyncClient, sessions: SessionFactory, raw: bytes, reason: str
) -> None:
    response = await post_email(client, raw)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]
    assert await rows(sessions, Case) == 0
    assert await rows(sessions, ChannelMessage) == 0
    async with sessions() as session:
        kept = await session.scalar(select(RejectedMessage))
    assert kept is not None
    assert (kept.channel, kept.reason, kept.raw) == ("email", reason, raw)


async def test_a_body_that_is_not_a_mail_is_a_415_and_kept(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    response = await post_email(client, b'{"not": "a mail"}', content_type="application/json")

    assert response.status_code == 415
    assert await rows(sessions, RejectedMessage) == 1


async def test_a_mail_over_the_upload_limit_is_a_413(client: httpx.AsyncClient, settings: Settings) -> None:
    raw = b"From: a@example.cn\r\n\r\n" + b"x" * (settings.channels.max_upload_bytes + 1)
    response = await post_email(client, raw)

    assert response.status_code == 413

"""SMS intake: join a long message's parts, record a satisfaction answer on its case, add a
message to the sender's open case, or open a new one."""

from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.channels import MessageRejected
from complaints.channels.sms_parsing import Part, SatisfactionAnswer, join_parts, parse_satisfaction
from complaints.configuration.rulebook import RulebookCache
from complaints.db.models import Case, SmsPart
from complaints.domain.lifecycle import FINISHED_STATUSES, Action
from complaints.domain.vocabulary import Channel, Status
from complaints.errors import ComplaintsError
from complaints.handling import actions
from complaints.intake.filing import file_complaint
from complaints.intake.inbound import (
    ChannelIntake,
    Received,
    add_message,
    lock_message,
    remember,
    seen_before,
)
from complaints.schemas.actions import CallbackBody
from complaints.schemas.channels import ChannelOutcome, SmsInbound
from complaints.schemas.complaint import Complainant, ComplaintCreate
from complaints.schemas.keys import Permission
from complaints.security.api_keys import Principal

CHANNEL = Channel.SMS
# A satisfaction answer counts for a case resolved this recently.
CALLBACK_WINDOW = timedelta(days=30)
# Who records a callback answered by SMS (the case's events name it; it is no API key).
SMS_ACTOR = Principal(
    key_id=0, name="complainant via sms", scopes=frozenset({Permission.HANDLE}), unit_code=None
)


async def _whole_text(
    session: AsyncSession, message: SmsInbound, *, sender_hash: str, now: datetime
) -> str | None:
    """The text, once every part of a long message is in; None while parts are missing."""
    total = message.parts or 1
    if total == 1:
        return message.text
    assert message.reference is not None
    assert message.part is not None
    group = func.hashtextextended(f"sms-parts:{sender_hash}:{message.reference}", 0)
    await session.execute(select(func.pg_advisory_xact_lock(group)))
    await session.execute(
        insert(SmsPart)
        .values(
            sender_hash=sender_hash,
            reference=message.reference,
            part=message.part,
            parts=total,
            sender=message.sender,
            message_id=message.message_id,
            text=message.text,
            received_at=now,
        )
        .on_conflict_do_nothing()
    )
    where = (SmsPart.sender_hash == sender_hash, SmsPart.reference == message.reference)
    parts = (await session.scalars(select(SmsPart).where(*where))).all()
    joined = join_parts((Part(p.part, p.text) for p in parts), total=total)
    if joined is not None:
        await session.execute(delete(SmsPart).where(*where))
    return joined


async def _awaiting_callback(session: AsyncSession, *, sender_hash: str, now: datetime) -> Case | None:
    found: Case | None = await session.scalar(
        select(Case)
        .where(
            Case.complainant_phone_hash == sender_hash,
            Case.status == Status.RESOLVED,
            Case.satisfaction.is_(None),
            Case.updated_at >= now - CALLBACK_WINDOW,
        )
        .order_by(Case.updated_at.desc())
        .limit(1)
    )
    return found


async def _open_recently(session: AsyncSession, *, sender_hash: str, since: datetime) -> Case | None:
    found: Case | None = await session.scalar(
        select(Case)
        .where(
            Case.complainant_phone_hash == sender_hash,
            Case.received_at >= since,
            Case.status.not_in(FINISHED_STATUSES),
        )
        .order_by(Case.received_at.desc())
        .limit(1)
    )
    return found


async def _record_callback(
    session: AsyncSession,
    *,
    case: Case,
    answer: SatisfactionAnswer,
    text: str,
    rulebooks: RulebookCache,
    now: datetime,
) -> bool:
    """The callback action (回访) with the complainant's own answer; False if the case can no
    longer take one (someone called back meanwhile)."""
    notes = f"短信回复 SMS reply: {text}"[:2000]
    try:
        async with session.begin_nested():
            await actions.perform(
                session,
                case_number=case.case_number,
                action=Action.CALLBACK,
                body=CallbackBody(satisfaction=answer.satisfaction, notes=notes),
                principal=SMS_ACTOR,
                rulebook=await rulebooks.get(session),
                now=now,
            )
    except ComplaintsError:
        return False
    return True


async def receive_sms(
    session: AsyncSession,
    *,
    message: SmsInbound,
    intake: ChannelIntake,
    rulebooks: RulebookCache,
    now: datetime,
) -> Received:
    sender_hash = intake.identity.phone(message.sender)
    await lock_message(session, channel=CHANNEL, external_id=message.message_id)
    if (again := await seen_before(session, channel=CHANNEL, external_id=message.message_id)) is not None:
        return again
    joined = await _whole_text(session, message, sender_hash=sender_hash, now=now)
    if joined is None:
        await remember(
            session,
            channel=CHANNEL,
            direction="in",
            external_id=message.message_id,
            case_id=None,
            outcome=ChannelOutcome.WAITING,
            now=now,
            data={"reference": message.reference, "part": message.part, "parts": message.parts},
        )
        return Received(ChannelOutcome.WAITING, detail=f"part {message.part} of {message.parts} received")
    text = joined.strip()
    if not text:
        raise MessageRejected("empty", "the SMS has no text")
    details: dict[str, object] = {"message_id": message.message_id}
    if message.received_at is not None:
        details["gateway_received_at"] = message.received_at.isoformat()

    answer = parse_satisfaction(text)
    if answer is not None:
        case = await _awaiting_callback(session, sender_hash=sender_hash, now=now)
        if case is not None and await _record_callback(
            session, case=case, answer=answer, text=text, rulebooks=rulebooks, now=now
        ):
            await remember(
                session,
                channel=CHANNEL,
                direction="in",
                external_id=message.message_id,
                case_id=case.id,
                outcome=ChannelOutcome.CALLBACK,
                now=now,
                data={"satisfaction": answer.satisfaction},
            )
            return Received(ChannelOutcome.CALLBACK, case.case_number, detail=answer.satisfaction)

    since = now - timedelta(hours=intake.sms_thread_hours)
    case = await _open_recently(session, sender_hash=sender_hash, since=since)
    if case is not None:
        await add_message(
            session, case=case, channel=CHANNEL, text=text, now=now, data=details, intake=intake
        )
        await remember(
            session,
            channel=CHANNEL,
            direction="in",
            external_id=message.message_id,
            case_id=case.id,
            outcome=ChannelOutcome.THREADED,
            now=now,
        )
        return Received(ChannelOutcome.THREADED, case.case_number)

    try:
        data = ComplaintCreate(
            channel=CHANNEL,
            external_ref=message.message_id,
            complainant=Complainant(phone=message.sender),
            content=text,
        )
    except ValidationError as error:
        raise MessageRejected(
            "invalid", f"the SMS cannot make a complaint: {error.error_count()} errors"
        ) from None
    filed = await file_complaint(
        session, data=data, files=(), intake=intake, now=now, filer=None, actor="sms"
    )
    await remember(
        session,
        channel=CHANNEL,
        direction="in",
        external_id=message.message_id,
        case_id=filed.case_id,
        outcome=ChannelOutcome.CREATED,
        now=now,
    )
    return Received(ChannelOutcome.CREATED, filed.case_number)

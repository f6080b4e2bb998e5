"""E-mail intake, shared by the webhook and the SMTP listener: a new case, a reply added to
its case, or an auto-reply ignored."""

import hashlib
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.channels import MessageRejected
from complaints.channels.email_parsing import ParsedMail, case_numbers_in, parse_mail, strip_quoted
from complaints.db.models import Case, ChannelMessage
from complaints.domain import attachments as attachment_rules
from complaints.domain.attachments import IncomingFile
from complaints.domain.vocabulary import Channel
from complaints.intake.filing import file_complaint
from complaints.intake.inbound import (
    ChannelIntake,
    Received,
    add_message,
    lock_message,
    remember,
    seen_before,
)
from complaints.schemas.channels import ChannelOutcome
from complaints.schemas.complaint import Complainant, ComplaintCreate

CHANNEL = Channel.EMAIL
MAX_CONTENT = 20_000


async def thread_of(session: AsyncSession, mail: ParsedMail, *, intake: ChannelIntake) -> Case | None:
    """The case this mail answers: by In-Reply-To/References (a Message-ID we stored), else by
    a case number in the subject. Either only picks *which* case: a mail joins a case only when
    its sender is that case's own complainant, so that nobody can add to someone else's case by
    guessing its number or the Message-ID of its receipt (`<receipt.{case number}@…>`)."""
    if not mail.from_address:
        return None
    own = Case.complainant_email_hash == intake.identity.email(mail.from_address)
    if mail.thread_ids:
        found: Case | None = await session.scalar(
            select(Case)
            .join(ChannelMessage, ChannelMessage.case_id == Case.id)
            .where(
                ChannelMessage.channel == CHANNEL,
                ChannelMessage.external_id.in_(mail.thread_ids),
                own,
            )
            .order_by(ChannelMessage.id.desc())
            .limit(1)
        )
        if found is not None:
            return found
    numbers = case_numbers_in(mail.subject, prefix=intake.case_number_prefix)
    if numbers:
        return await session.scalar(select(Case).where(Case.case_number.in_(numbers), own).limit(1))
    return None


def complaint_from(mail: ParsedMail) -> ComplaintCreate:
    content = f"{mail.subject}\n\n{mail.text}".strip() if mail.subject else mail.text
    if len(content) > MAX_CONTENT:
        content = content[: MAX_CONTENT - 20] + "\n…（以下内容过长已截断）"
    name = (mail.from_name or "")[:200].strip() or None
    try:
        complainant = Complainant(name=name, email=mail.from_address)
    except ValidationError:
        complainant = Complainant(name=name)  # an address we could not reply to
    try:
        return ComplaintCreate(
            channel=CHANNEL,
            external_ref=(mail.message_id or "")[:200] or None,
            complainant=complainant,
            content=content,
        )
    except ValidationError as error:
        raise MessageRejected(
            "invalid", f"the message cannot make a complaint: {error.error_count()} errors"
        ) from None


async def receive_email(
    session: AsyncSession, *, raw: bytes, intake: ChannelIntake, now: datetime
) -> Received:
    mail = parse_mail(raw)
    message_id = mail.message_id or f"<sha256.{hashlib.sha256(raw).hexdigest()}@unknown>"
    await lock_message(session, channel=CHANNEL, external_id=message_id)
    if (again := await seen_before(session, channel=CHANNEL, external_id=message_id)) is not None:
        return again
    if mail.automatic:
        await remember(
            session,
            channel=CHANNEL,
            direction="in",
            external_id=message_id,
            case_id=None,
            outcome=ChannelOutcome.IGNORED,
            now=now,
            data={"reason": mail.automatic},
        )
        return Received(ChannelOutcome.IGNORED, detail=mail.automatic)

    files = [IncomingFile(a.filename, a.content_type, a.data) for a in mail.attachments]
    kept, dropped = attachment_rules.accepted(files, intake.limits)
    notes: dict[str, object] = {"subject": mail.subject, "message_id": message_id}
    if dropped:
        notes["attachments_dropped"] = [{"filename": name, "reason": why} for name, why in dropped]

    case = await thread_of(session, mail, intake=intake)
    if case is not None:
        await add_message(
            session,
            case=case,
            channel=CHANNEL,
            text=strip_quoted(mail.text) or mail.subject,
            now=now,
            files=kept,
            data=notes,
            intake=intake,
        )
        await remember(
            session,
            channel=CHANNEL,
            direction="in",
            external_id=message_id,
            case_id=case.id,
            outcome=ChannelOutcome.THREADED,
            now=now,
            data={"subject": mail.subject},
        )
        return Received(ChannelOutcome.THREADED, case.case_number)

    filed = await file_complaint(
        session, data=complaint_from(mail), files=kept, intake=intake, now=now, filer=None, actor="email"
    )
    await remember(
        session,
        channel=CHANNEL,
        direction="in",
        external_id=message_id,
        case_id=filed.case_id,
        outcome=ChannelOutcome.CREATED,
        now=now,
        data={
            "subject": mail.subject,
            **({"attachments_dropped": notes["attachments_dropped"]} if dropped else {}),
        },
    )
    return Received(ChannelOutcome.CREATED, filed.case_number)

"""Storing a case's attachments: bytes to the attachment store, a row per file."""

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.db.models import Attachment
from complaints.domain.attachments import IncomingFile
from complaints.handling.attachment_store import AttachmentStore
from complaints.schemas.complaint import AttachmentIn, AttachmentView


def incoming(items: Sequence[AttachmentIn]) -> list[IncomingFile]:
    return [
        IncomingFile(
            filename=item.filename,
            content_type=item.content_type,
            data=item.data(),
            url=str(item.url) if item.url is not None else None,
        )
        for item in items
    ]


def stored_filename(file: IncomingFile) -> str:
    return file.filename[:255]


async def save(
    session: AsyncSession,
    *,
    case_id: int,
    files: Sequence[IncomingFile],
    store: AttachmentStore,
    now: datetime,
    event_id: int | None = None,
) -> list[Attachment]:
    """Call after the files were checked: the bytes are written before the rows are committed,
    so a committed row always has its file (a rolled-back request may leave an unreferenced
    file behind, which is harmless: files are named by their hash)."""
    rows = []
    for file in files:
        key = await store.put(file.data) if file.data is not None else None
        rows.append(
            Attachment(
                case_id=case_id,
                event_id=event_id,
                filename=stored_filename(file),
                content_type=file.content_type.lower(),
                size_bytes=len(file.data) if file.data is not None else None,
                sha256=hashlib.sha256(file.data).hexdigest() if file.data is not None else None,
                storage_key=key,
                url=file.url,
                created_at=now,
            )
        )
    session.add_all(rows)
    await session.flush()
    return rows


async def of_case(session: AsyncSession, *, case_id: int) -> list[AttachmentView]:
    rows = await session.scalars(
        select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
    )
    return [
        AttachmentView(filename=r.filename, content_type=r.content_type, size_bytes=r.size_bytes, url=r.url)
        for r in rows
    ]

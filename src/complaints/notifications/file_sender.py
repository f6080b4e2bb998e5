"""The development sender: every message lands in a file under data_dir/outbound."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from complaints.notifications.messages import Outbound, build_email


class FileSender:
    """SMS as JSON lines in sms.jsonl; e-mail as .eml files under mail/ plus mail.jsonl."""

    def __init__(self, directory: Path, *, mail_from: str, sender_name: str) -> None:
        self.directory = directory
        self.mail_from = mail_from
        self.sender_name = sender_name

    def _append(self, name: str, record: dict[str, object]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / name).open("a", encoding="utf-8") as file:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _write(self, message: Outbound) -> str:
        now = datetime.now(UTC)
        record: dict[str, object] = {
            "notification_id": message.notification_id,
            "at": now.isoformat(),
            "to": message.recipient,
        }
        if message.channel == "email":
            mail = build_email(message, mail_from=self.mail_from, sender_name=self.sender_name, now=now)
            folder = self.directory / "mail"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{message.notification_id}.eml"
            path.write_bytes(bytes(mail))
            self._append(
                "mail.jsonl", {**record, "subject": message.subject, **message.headers, "file": path.name}
            )
        else:
            self._append("sms.jsonl", {**record, "parts": list(message.parts or (message.body,))})
        return f"file:{message.notification_id}"

    async def send(self, message: Outbound) -> str | None:
        return await asyncio.to_thread(self._write, message)

    async def close(self) -> None:
        return None

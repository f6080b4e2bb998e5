"""Where attachment bytes live: a small interface, and a local directory behind it.

Files are addressed by their SHA-256, so storing the same file twice stores it once and a
retried request writes nothing new. Only the local directory is implemented; an
S3-compatible store would implement the same two methods.
"""

import asyncio
import hashlib
import os
import re
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[0-9a-f]{64}$")


class AttachmentStore(Protocol):
    async def put(self, data: bytes) -> str:
        """Store the bytes; return the key to read them back with."""
        ...

    async def get(self, key: str) -> bytes: ...


class LocalDirectoryStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("not a key this store hands out")
        return self.root / key[:2] / key[2:4] / key

    def _write(self, key: str, data: bytes) -> None:
        path = self.path_of(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{key}.{os.getpid()}.part")
        draft.write_bytes(data)
        os.replace(draft, path)  # readers never see half a file

    async def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        await asyncio.to_thread(self._write, key, data)
        return key

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self.path_of(key).read_bytes)

"""Personal data at rest: sealed with AES-GCM under a named key, matched by keyed hashes.

The one module that holds the keys. Name, phone, e-mail and ID number are stored as
envelopes `pii1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`; the column's purpose is the
associated data, so a value copied into another column does not open there. The key id in
every envelope makes rotation possible: a new key seals from now on, the old ones still open
what they sealed, and `complaints pii rotate-key` reseals the rest (plain text left by older
versions included) so that an old key can be retired.

Matching uses the keyed hashes of `complaints.domain.identity` (HMAC-SHA256 over the
normalised identifier), built here from the same settings, so the hash key and the
encryption keys are configured in one place.

Columns use the types in `complaints.db.sealed`, which call `current()`: the keyring this
process installed at start-up (`install`), else one read from the environment.
"""

import base64
import binascii
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from complaints.domain.identity import IdentityHasher
from complaints.secrets import secret_bytes
from complaints.settings import Settings

log = logging.getLogger(__name__)

PREFIX = "pii1:"
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# The key made under data_dir/secrets when none is configured (one machine, development).
LOCAL_KEY_ID = "local"
IDENTITY_SECRET = "identity-hash-key"
PII_SECRET = "pii-key"


class PiiKeyError(Exception):
    """A sealed value names a key this process does not have, or does not open with it."""


def derive_key(secret: bytes) -> bytes:
    """An AES-256 key from a configured secret of any form (HKDF-SHA256)."""
    if len(secret) < 16:
        raise ValueError("a personal-data key must be at least 16 characters long")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"complaints/pii/aes-256-gcm").derive(
        secret
    )


@dataclass(frozen=True)
class Keyring:
    """AES-GCM keys by id; `active` seals, every one of them opens."""

    keys: Mapping[str, AESGCM]
    active: str

    @classmethod
    def from_secrets(cls, secrets_by_id: Mapping[str, bytes], *, active: str) -> "Keyring":
        for key_id in secrets_by_id:
            if not KEY_ID.match(key_id):
                raise ValueError(f"key id {key_id!r} must be 1-32 letters, digits, '_' or '-'")
        if active not in secrets_by_id:
            raise ValueError(f"the active key {active!r} is not among the keys ({', '.join(secrets_by_id)})")
        return cls({key_id: AESGCM(derive_key(secret)) for key_id, secret in secrets_by_id.items()}, active)

    def seal(self, plaintext: str, *, purpose: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self.keys[self.active].encrypt(nonce, plaintext.encode(), purpose.encode())
        return f"{PREFIX}{self.active}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def open(self, stored: str, *, purpose: str) -> str:
        """The plain value; a value stored before encryption was introduced comes back as it is."""
        if not is_sealed(stored):
            return stored
        key_id, _, body = stored[len(PREFIX) :].partition(":")
        key = self.keys.get(key_id)
        if key is None:
            raise PiiKeyError(f"personal data sealed with key {key_id!r}, which is not configured")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise PiiKeyError(f"a value sealed with key {key_id!r} does not open ({purpose})") from error

    def is_current(self, stored: str) -> bool:
        """Sealed with the active key: nothing for a rotation to do."""
        return stored.startswith(f"{PREFIX}{self.active}:")


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def keyring_from(settings: Settings) -> Keyring:
    """COMPLAINTS_PII_KEYS (JSON: key id → secret) and COMPLAINTS_PII_ACTIVE_KEY_ID.

    Without keys, one is made under data_dir/secrets — fine for one machine, wrong for several
    that share a database: configure the keys there (every process must hold the same ones).
    """
    configured = settings.pii.pii_keys
    if configured:
        active = settings.pii.pii_active_key_id or (next(iter(configured)) if len(configured) == 1 else None)
        if active is None:
            raise ValueError(
                "several personal-data keys: set COMPLAINTS_PII_ACTIVE_KEY_ID to the one that seals"
            )
        return Keyring.from_secrets(
            {key_id: secret.get_secret_value().encode() for key_id, secret in configured.items()},
            active=active,
        )
    local = secret_bytes(None, data_dir=settings.data_dir, name=PII_SECRET)
    return Keyring.from_secrets({LOCAL_KEY_ID: local}, active=LOCAL_KEY_ID)


def hasher_from(settings: Settings) -> IdentityHasher:
    """The keyed hashes that match complainants (COMPLAINTS_IDENTITY_HASH_KEY)."""
    return IdentityHasher(
        secret_bytes(settings.channels.identity_hash_key, data_dir=settings.data_dir, name=IDENTITY_SECRET)
    )


_installed: Keyring | None = None


def install(keyring: Keyring | None) -> None:
    """Make `keyring` the one this process seals and opens with (None: read settings again)."""
    global _installed
    _installed = keyring


def current() -> Keyring:
    global _installed
    if _installed is None:
        _installed = keyring_from(Settings())
    return _installed

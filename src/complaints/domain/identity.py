"""Matching complainants without comparing their personal data in plain text.

Identifiers are normalised (a phone number written five ways is one number) and then hashed
with a secret key (HMAC-SHA256): equal identifiers give equal hashes, but a hash reveals
nothing to someone who reads the table without the key.
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

_NOT_DIGIT = re.compile(r"\D")
_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(phone: str) -> str:
    """Digits only, without the +86 / 0086 / 86 prefix in front of a mainland mobile number."""
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", phone))
    for prefix in ("0086", "86"):
        rest = digits.removeprefix(prefix)
        if rest != digits and _MAINLAND_MOBILE.match(rest):
            return rest
    return digits


def normalise_code(value: str) -> str:
    """ID and customer numbers: case and spacing do not make another person."""
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value)).upper()


def normalise_email(address: str) -> str:
    return address.strip().lower()


@dataclass(frozen=True)
class IdentityHashes:
    phone: str | None = None
    email: str | None = None
    id_number: str | None = None
    customer_no: str | None = None

    def present(self) -> dict[str, str]:
        """The hashes that are known, by identifier kind."""
        return {kind: value for kind, value in vars(self).items() if value is not None}


class IdentityHasher:
    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("the identity hash key must not be empty")
        self._key = key

    def _hash(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def phone(self, phone: str) -> str:
        return self._hash("phone", normalise_phone(phone))

    def email(self, address: str) -> str:
        return self._hash("email", normalise_email(address))

    def id_number(self, id_number: str) -> str:
        return self._hash("id", normalise_code(id_number))

    def customer_no(self, customer_no: str) -> str:
        return self._hash("customer", normalise_code(customer_no))

    def of(
        self,
        *,
        phone: str | None = None,
        email: str | None = None,
        id_number: str | None = None,
        customer_no: str | None = None,
    ) -> IdentityHashes:
        return IdentityHashes(
            phone=self.phone(phone) if phone else None,
            email=self.email(email) if email else None,
            id_number=self.id_number(id_number) if id_number else None,
            customer_no=self.customer_no(customer_no) if customer_no else None,
        )

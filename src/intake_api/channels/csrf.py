"""CSRF for the web form: a signed double-submit token.

The token (nonce.issued.signature, HMAC with the web secret) goes out twice: in a cookie and in
a hidden form field. A POST must bring both, equal, correctly signed and not expired. Another
site can make a browser send the cookie but cannot read it to put it in the form, and cannot
forge a token of its own without the secret.
"""

import hashlib
import hmac
import secrets

COOKIE = "complaints_csrf"
FIELD = "csrf_token"


class CsrfTokens:
    def __init__(self, secret: bytes, *, max_age_seconds: int) -> None:
        self._secret = secret
        self.max_age_seconds = max_age_seconds

    def _signature(self, nonce: str, issued: int) -> str:
        return hmac.new(self._secret, f"csrf|{nonce}|{issued}".encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *, now: float) -> str:
        nonce = secrets.token_urlsafe(18)
        issued = int(now)
        return f"{nonce}.{issued}.{self._signature(nonce, issued)}"

    def valid(self, token: str | None, *, now: float, spare: int = 0) -> bool:
        """Signed by us and not expired (with `spare` seconds still to go)."""
        if not token or len(token) > 200:
            return False
        nonce, _, rest = token.partition(".")
        issued_text, _, signature = rest.partition(".")
        if not issued_text.isdigit():
            return False
        issued = int(issued_text)
        if not 0 <= now - issued <= self.max_age_seconds - spare:
            return False
        return hmac.compare_digest(signature, self._signature(nonce, issued))

    def verify(self, *, cookie: str | None, field: str | None, now: float) -> bool:
        if not cookie or not field or not hmac.compare_digest(cookie.encode(), field.encode()):
            return False
        return self.valid(cookie, now=now)


def receipt_signature(secret: bytes, case_number: str) -> str:
    """Whoever filed the case may see its receipt page; nobody can list other people's."""
    return hmac.new(secret, f"receipt|{case_number}".encode(), hashlib.sha256).hexdigest()[:32]

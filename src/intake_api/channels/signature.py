"""Webhook signatures: X-Signature is the hex HMAC-SHA256 of the raw body with the channel's secret."""

import hashlib
import hmac

from fastapi import Request
from pydantic import SecretStr

from complaints.configuration.rulebook import NotConfigured
from complaints.errors import Unauthorized
from complaints.settings import MIN_SECRET_LENGTH

HEADER = "X-Signature"


def sign(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


async def signed_body(request: Request, secret: SecretStr | None, *, name: str) -> bytes:
    """The raw body, once its signature checks out; 401 before anything is parsed or kept."""
    if secret is None or len(secret.get_secret_value().strip()) < MIN_SECRET_LENGTH:
        # Settings refuse such a secret at start; this also covers settings built in code.
        raise NotConfigured(
            f"the {name} webhook has no secret configured (COMPLAINTS_{name.upper()}_WEBHOOK_SECRET)"
        )
    body = await request.body()
    given = request.headers.get(HEADER, "").strip().lower().removeprefix("sha256=")
    expected = sign(secret.get_secret_value().encode(), body)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized(f"missing or wrong {HEADER} (hex HMAC-SHA256 of the raw body)")
    return body

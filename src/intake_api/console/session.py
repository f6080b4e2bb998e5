"""The staff console's sign-in: a signed cookie carrying the staff id and its expiry.

`staff_id.expires.signature`, HMAC-SHA256 with the web secret (the one the web form's CSRF
tokens use), HttpOnly and SameSite=Lax. Nothing is stored server-side: signing out clears
the cookie, and the expiry bounds how long a copied cookie is worth anything.
"""

import hashlib
import hmac

from fastapi.responses import Response

from complaints.settings import Settings

COOKIE = "complaints_console"
PATH = "/console"


def _signature(secret: bytes, staff_id: str, expires: int) -> str:
    return hmac.new(secret, f"console|{staff_id}|{expires}".encode(), hashlib.sha256).hexdigest()


def issue(secret: bytes, *, staff_id: str, now: float, hours: float) -> str:
    expires = int(now + hours * 3600)
    return f"{staff_id}.{expires}.{_signature(secret, staff_id, expires)}"


def staff_id_of(secret: bytes, token: str | None, *, now: float) -> str | None:
    """The signed-in staff id, or None for a missing, forged or expired cookie."""
    if not token or len(token) > 200:
        return None
    parts = token.rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    staff_id, expires_text, signature = parts
    expires = int(expires_text)
    if now >= expires or not hmac.compare_digest(signature, _signature(secret, staff_id, expires)):
        return None
    return staff_id


def set_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(settings.console.console_session_hours * 3600),
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=settings.channels.web_cookie_secure,
    )


def clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        COOKIE, path=PATH, httponly=True, samesite="lax", secure=settings.channels.web_cookie_secure
    )

"""Refuse oversized bodies before anything reads them (by Content-Length, or while streaming)."""

import json
from collections.abc import Callable, Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing passes it on instead of answering 400."""

    title = "Request body too large"

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the body may be at most {max_bytes} bytes")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


class BodyLimit:
    """`wider`: path prefixes that carry files (the web form, raw mail) and their own limit.
    `html_page`: for paths under `html_prefixes` the refusal is that page, not problem JSON."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        wider: Mapping[str, int] | None = None,
        html_prefixes: tuple[str, ...] = (),
        html_page: Callable[[int], bytes] | None = None,
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.wider = dict(wider or {})
        self.html_prefixes = html_prefixes
        self.html_page = html_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        max_bytes = next(
            (limit for prefix, limit in self.wider.items() if _under(path, prefix)), self.default_max_bytes
        )
        html = self.html_page is not None and any(_under(path, prefix) for prefix in self.html_prefixes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(send, max_bytes, html=html)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, max_bytes, html=html)

    async def _refuse(self, send: Send, max_bytes: int, *, html: bool) -> None:
        refusal = BodyTooLarge(max_bytes)
        if html and self.html_page is not None:
            body, content_type = self.html_page(max_bytes), b"text/html; charset=utf-8"
        else:
            body = json.dumps(
                {"type": "about:blank", "title": refusal.title, "status": 413, "detail": refusal.detail}
            ).encode()
            content_type = b"application/problem+json"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

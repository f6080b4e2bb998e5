"""SMS through an HTTP gateway (httpx): one POST per part, body from a configurable template."""

import json
from string import Template

import httpx

from complaints.notifications.messages import Outbound, PermanentSendError, SendError

# 4xx replies worth another try: a timeout on their side, or "slow down".
RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


def _json_text(value: str) -> str:
    """The value as it goes between the template's double quotes."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


class HttpSmsGateway:
    def __init__(self, *, url: str, template: str, token: str | None = None, timeout: float = 5.0) -> None:
        self.url = url
        self.template = Template(template)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.client = httpx.AsyncClient(timeout=timeout, headers=headers)

    def body(self, *, to: str, text: str, reference: str) -> bytes:
        filled = self.template.substitute(
            to=_json_text(to), text=_json_text(text), reference=_json_text(reference)
        )
        return filled.encode()

    async def send(self, message: Outbound) -> str | None:
        parts = message.parts or (message.body,)
        references = []
        for number, part in enumerate(parts, start=1):
            reference = f"{message.notification_id}-{number}"
            try:
                response = await self.client.post(
                    self.url, content=self.body(to=message.recipient, text=part, reference=reference)
                )
            except httpx.HTTPError as error:
                raise SendError(f"SMS gateway unreachable: {type(error).__name__}") from error
            if response.status_code >= 400:
                error_class = (
                    SendError
                    if response.status_code >= 500 or response.status_code in RETRYABLE_CLIENT_ERRORS
                    else PermanentSendError
                )
                raise error_class(f"SMS gateway answered {response.status_code}")
            references.append(reference)
        return ",".join(references)

    async def close(self) -> None:
        await self.client.aclose()

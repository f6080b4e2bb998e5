from collections.abc import AsyncIterator

import httpx
import pytest

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from intake_api.app import create_app
from tests.clock import CLOCK
from tests.intake_api.console.helpers import give_password


@pytest.fixture
async def browser(settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client without the API key, as a member of staff's browser is."""
    await give_password(sessions, "CC001", "OP001", "CP001")
    app = create_app(settings, clock=CLOCK)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client

from collections.abc import AsyncIterator

import httpx
import pytest

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from intake_api.app import create_app
from tests.factories import ADMIN_KEY, auth


@pytest.fixture
async def client(settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The API in-process (lifespan included), authenticated with the bootstrap key."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=auth(ADMIN_KEY)
        ) as client:
            yield client

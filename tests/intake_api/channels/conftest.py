from pathlib import Path

import pytest

from complaints.settings import Settings
from tests.intake_api.channels.helpers import reset_outbound


@pytest.fixture
def outbound(settings: Settings) -> Path:
    """The development sender's folder, emptied for this test."""
    return reset_outbound(settings)

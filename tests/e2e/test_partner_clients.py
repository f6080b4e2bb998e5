"""The committed spec, used the way partners use it: a client generated from it by a third-party
generator drives a complaint through a real server, and schemathesis fuzzes every operation."""

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.security.api_keys import ensure_bootstrap_key
from complaints.settings import Settings
from tests.factories import ADMIN_KEY
from tests.live_api import LiveApi, running_api

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "openapi" / "openapi.json"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")

DRIVER = textwrap.dedent(
    """
    import json
    import sys

    import httpx
    from complaints_client import AuthenticatedClient
    from complaints_client.api.complaints import create_complaint, get_complaint, list_complaints
    from complaints_client.models import CaseView, ComplaintCreate, Problem

    base_url, key = sys.argv[1], sys.argv[2]
    client = AuthenticatedClient(base_url=base_url, token=key, timeout=httpx.Timeout(20.0))
    body = ComplaintCreate.from_dict({
        "channel": "hotline",
        "external_ref": "CALL-GENERATED-1",
        "complainant": {"name": "张三", "phone": "13812345678"},
        "content": "信用卡年费未经同意被扣收，客服电话一直打不通。",
        "demand": "退还年费",
    })
    created = create_complaint.sync_detailed(client=client, body=body, idempotency_key="generated-1")
    replayed = create_complaint.sync_detailed(client=client, body=body, idempotency_key="generated-1")
    assert isinstance(created.parsed, CaseView), created.content
    assert isinstance(replayed.parsed, CaseView), replayed.content
    number = created.parsed.case_number
    got = get_complaint.sync(number, client=client)
    assert isinstance(got, CaseView), got
    page = list_complaints.sync(client=client, limit=10)
    missing = get_complaint.sync_detailed("TS19990101999999", client=client)
    assert isinstance(missing.parsed, Problem), missing.content
    print(json.dumps({
        "created": [int(created.status_code), number],
        "replayed": [int(replayed.status_code), replayed.parsed.case_number],
        "got": [got.case_number, got.status.value, got.complainant.phone],
        "listed": [item.case_number for item in page.items],
        "missing": [int(missing.status_code), missing.parsed.title],
    }))
    """
)


@pytest.fixture(scope="module")
def live(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with running_api(settings, tmp_path_factory.mktemp("live-api")) as api:
        yield api


@pytest.fixture
async def bootstrap(sessions: SessionFactory) -> None:
    """The tables were emptied for this test: the running server's key is made again."""
    async with unit_of_work(sessions) as session:
        await ensure_bootstrap_key(session, key=ADMIN_KEY, now=datetime.now(UTC))


def generate_client(into: Path) -> Path:
    config = into / "generator.yaml"
    config.write_text("package_name_override: complaints_client\npost_hooks: []\n")
    package = into / "complaints_client"
    command = [str(GENERATOR), "generate", "--path", str(COMMITTED), "--output-path", str(package)]
    done = subprocess.run(
        [*command, "--meta", "none", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The one operation it cannot express is the raw e-mail webhook (message/rfc822), which
    # mail gateways call, not partners.
    skipped = [line for line in (done.stdout + done.stderr).splitlines() if "will not be generated" in line]
    assert skipped == [
        "WARNING parsing POST /v1/channels/email within channels. Endpoint will not be generated."
    ]
    return package


def test_a_client_generated_from_the_committed_spec_drives_a_complaint(
    live: LiveApi, bootstrap: None, tmp_path: Path
) -> None:
    generate_client(tmp_path)
    driver = tmp_path / "drive.py"
    driver.write_text(DRIVER)

    done = subprocess.run(
        [sys.executable, str(driver), live.base_url, ADMIN_KEY],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr + live.log.read_text()[-3000:]
    result = json.loads(done.stdout)
    status, number = result["created"]
    assert status == 201
    assert result["replayed"] == [201, number]
    assert result["got"] == [number, "received", "13812345678"]
    assert number in result["listed"]
    assert result["missing"] == [404, "Not found"]

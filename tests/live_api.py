"""The API as partners meet it: a real uvicorn process on a free loopback port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from complaints.settings import Settings
from tests.factories import ADMIN_KEY


@dataclass(frozen=True)
class LiveApi:
    base_url: str
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    channels = settings.channels
    secrets = {
        "COMPLAINTS_SMS_WEBHOOK_SECRET": channels.sms_webhook_secret,
        "COMPLAINTS_EMAIL_WEBHOOK_SECRET": channels.email_webhook_secret,
        "COMPLAINTS_IDENTITY_HASH_KEY": channels.identity_hash_key,
        "COMPLAINTS_WEB_SECRET": channels.web_secret,
    }
    return {
        **os.environ,
        **{name: value.get_secret_value() for name, value in secrets.items() if value is not None},
        "COMPLAINTS_DATABASE_URL": settings.require_database_url(),
        "COMPLAINTS_REDIS_URL": settings.require_redis_url(),
        "COMPLAINTS_BOOTSTRAP_API_KEY": ADMIN_KEY,
        "COMPLAINTS_DATA_DIR": str(data_dir),
        "COMPLAINTS_LOG_FORMAT": "json",
        # A fuzzer is one client sending thousands of requests: the limits are tested elsewhere.
        "COMPLAINTS_API_RATE_LIMIT_PER_KEY": "1000000",
        "COMPLAINTS_API_RATE_LIMIT_PER_ADDRESS": "1000000",
    }


@contextmanager
def running_api(settings: Settings, data_dir: Path) -> Iterator[LiveApi]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = data_dir / "api.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "intake_api.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=server_env(settings, data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the API exited during start-up:\n{log.read_text()}"
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the API did not start:\n{log.read_text()}"
            time.sleep(0.1)
        yield LiveApi(base_url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

"""`complaints healthcheck [ROLE]`: the image's HEALTHCHECK, right for every role.

    api             GET /healthz on this container's port answers 200
    routing-worker  the worker on this host recorded its health in Redis within the interval
    sla-worker      the same, for the SLA queue
    smtp            the SMTP listener greets with 220
    migrate, config one-shot steps: nothing to watch

Without ROLE it reads the role the image's entrypoint started ($COMPLAINTS_ROLE_FILE).
Deliberately light (no database driver, no web framework): it runs every few seconds.
"""

import argparse
import os
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from complaints.jobs.queue import ROUTING_QUEUE, SLA_QUEUE, health_check_key

ROLES = ("api", "routing-worker", "sla-worker", "smtp", "migrate", "config")
DEFAULT_ROLE_FILE = "/tmp/complaints-role"  # written by the image's entrypoint
TIMEOUT_SECONDS = 3.0


def worker_alive(redis_url: str, queue_name: str, host: str | None = None) -> bool:
    import redis  # redis-py's sync client: the check needs no event loop

    client = redis.Redis.from_url(redis_url, socket_timeout=TIMEOUT_SECONDS)
    try:
        return bool(client.exists(health_check_key(queue_name, host)))
    except redis.RedisError:
        return False
    finally:
        client.close()


def api_alive(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT_SECONDS) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def smtp_alive(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS) as conn:
            return conn.recv(3) == b"220"
    except OSError:
        return False


def _redis_url() -> str:
    url = os.environ.get("COMPLAINTS_REDIS_URL")
    if not url:
        raise SystemExit("COMPLAINTS_REDIS_URL is not set")
    return url


CHECKS: dict[str, Callable[[], bool]] = {
    "api": lambda: api_alive(int(os.environ.get("PORT", "8000"))),
    "routing-worker": lambda: worker_alive(_redis_url(), ROUTING_QUEUE),
    "sla-worker": lambda: worker_alive(_redis_url(), SLA_QUEUE),
    "smtp": lambda: smtp_alive(int(os.environ.get("COMPLAINTS_SMTP_PORT", "2525"))),
    "migrate": lambda: True,
    "config": lambda: True,
}


def current_role() -> str:
    path = Path(os.environ.get("COMPLAINTS_ROLE_FILE", DEFAULT_ROLE_FILE))
    try:
        return path.read_text().strip() or "api"
    except FileNotFoundError:
        return "api"


def check(role: str | None = None) -> int:
    role = role or current_role()
    if role not in CHECKS:
        print(f"unknown role {role!r} (one of {', '.join(ROLES)})", file=sys.stderr)
        return 2
    healthy = CHECKS[role]()
    print(f"{role}: {'healthy' if healthy else 'unhealthy'}")
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="complaints healthcheck", description=__doc__)
    parser.add_argument("role", nargs="?", choices=ROLES)
    return check(parser.parse_args(argv).role)


if __name__ == "__main__":
    sys.exit(main())

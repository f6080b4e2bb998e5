"""/metrics, the request id, and logs that carry ids but never personal data."""

import io
import json
from collections.abc import Iterator

import httpx
import pytest
from arq import ArqRedis
from sqlalchemy import text

from complaints.db.engine import SessionFactory
from complaints.settings import Settings
from tests.factories import complaint, run_routing_worker
from tests.logs import json_logs

CANARIES = {
    "name": "Canary Jinsique 金丝雀",
    "phone": "13987654321",
    "id_number": "11010519491231002X",
    "email": "canary.person@example.org",
    "customer_no": "CUST-CANARY-7731",
    "content": "CANARY-CONTENT 信用卡年费未经同意被扣收 金丝雀之歌",
    "demand": "CANARY-DEMAND 退还年费",
}


def canary_complaint(**overrides: object) -> dict[str, object]:
    return complaint(
        complainant={
            "name": CANARIES["name"],
            "phone": CANARIES["phone"],
            "id_number": CANARIES["id_number"],
            "email": CANARIES["email"],
            "customer_no": CANARIES["customer_no"],
        },
        content=CANARIES["content"],
        demand=CANARIES["demand"],
        **overrides,
    )


@pytest.fixture
def every_log_line() -> Iterator[io.StringIO]:
    """Everything any logger writes, at DEBUG, through the production formatter."""
    with json_logs("api") as stream:
        yield stream


def _readable(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | set | tuple):
        return " ".join(_readable(item) for item in value)
    if isinstance(value, dict):
        return " ".join(f"{_readable(k)}={_readable(v)}" for k, v in value.items())
    return str(value)


async def job_payloads(redis: ArqRedis, sessions: SessionFactory) -> str:
    """Every job as it waits or ran: the outbox rows, and everything arq keeps in Redis."""
    async with sessions() as session:
        rows = (await session.execute(text("SELECT job, payload::text, last_error FROM outbox"))).all()
    found = [_readable(list(row)) for row in rows]
    readers = {b"string": redis.get, b"list": lambda k: redis.lrange(k, 0, -1), b"set": redis.smembers}
    readers |= {b"zset": lambda k: redis.zrange(k, 0, -1), b"hash": redis.hgetall}
    for key in await redis.keys("*"):
        read = readers.get(await redis.type(key))
        found.append(f"{_readable(key)} {_readable(await read(key)) if read else ''}")
    return "\n".join(found)


async def test_no_personal_data_reaches_a_log_line(
    client: httpx.AsyncClient,
    settings: Settings,
    every_log_line: io.StringIO,
    redis: ArqRedis,
    sessions: SessionFactory,
) -> None:
    created = await client.post(
        "/v1/complaints", json=canary_complaint(), headers={"Idempotency-Key": "canary-1"}
    )
    assert created.status_code == 201
    number = created.json()["case_number"]
    # A replay, a conflicting reuse of the key, invalid input echoing the values, a search.
    replayed = await client.post(
        "/v1/complaints", json=canary_complaint(), headers={"Idempotency-Key": "canary-1"}
    )
    assert replayed.status_code == 201
    reused = await client.post(
        "/v1/complaints",
        json=canary_complaint(external_ref="OTHER"),
        headers={"Idempotency-Key": "canary-1"},
    )
    assert reused.status_code == 422
    invalid = await client.post(
        "/v1/complaints", json=canary_complaint(channel=CANARIES["name"], received_at=CANARIES["phone"])
    )
    assert invalid.status_code == 422
    assert (await client.get("/v1/complaints", params={"q": CANARIES["name"]})).status_code == 200
    assert (await client.get(f"/v1/complaints/{number}")).status_code == 200
    queued = await job_payloads(redis, sessions)
    await run_routing_worker(settings)
    assert (await client.get(f"/v1/complaints/{number}")).json()["status"] == "assigned"
    ran = await job_payloads(redis, sessions)

    text = every_log_line.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) > 5, "the requests and the job were logged"
    for field, value in CANARIES.items():
        assert value not in text, f"the complainant's {field} reached the logs"
    # Jobs carry references (a case id), never the data: not queued, not run, not kept as a result.
    assert "route_case" in queued
    assert "route_case" in ran
    for field, value in CANARIES.items():
        assert value not in queued, f"the complainant's {field} is in a queued job"
        assert value not in ran, f"the complainant's {field} is in a job run or kept after it"
    # What the lines do carry: ids to follow a request and a case through the system.
    opened = next(line for line in lines if line["msg"].startswith("POST /v1/complaints 201"))
    assert opened["case_number"] == number
    assert opened["request_id"] == created.headers["X-Request-ID"]
    routed = next(line for line in lines if line.get("logger") == "routing_worker.jobs")
    assert routed["case_number"] == number
    assert routed["job_id"].startswith("outbox:")


async def test_the_request_id_is_taken_or_made_and_sent_back(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"X-Request-ID": "call-center-4711"})
    assert given.headers["X-Request-ID"] == "call-center-4711"
    made = await client.get("/healthz", headers={"X-Request-ID": "not a sane id; drop table"})
    assert made.headers["X-Request-ID"] != "not a sane id; drop table"
    assert len(made.headers["X-Request-ID"]) == 32


def sample(page: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in page.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return 0.0


async def test_metrics_count_intake_by_channel_and_time_requests_by_route(client: httpx.AsyncClient) -> None:
    before = (await client.get("/metrics")).text
    for n, channel in enumerate(["hotline", "web", "web"]):
        created = await client.post("/v1/complaints", json=complaint(channel=channel, external_ref=f"M-{n}"))
        assert created.status_code == 201
    number = created.json()["case_number"]
    assert (await client.get(f"/v1/complaints/{number}")).status_code == 200
    assert (await client.get("/v1/complaints/TS19990101000001")).status_code == 404

    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("complaints_intake_total", channel="hotline") == 1
    assert grew("complaints_intake_total", channel="web") == 2
    # By route template, so a case number never becomes a label of its own.
    count = "complaints_http_request_duration_seconds_count"
    assert grew(count, method="POST", route="/v1/complaints", status="201") == 3
    assert grew(count, method="GET", route="/v1/complaints/{case_number}", status="200") == 1
    assert grew(count, method="GET", route="/v1/complaints/{case_number}", status="404") == 1
    assert number not in after

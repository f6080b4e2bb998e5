"""One JSON object per line, with the correlation ids bound when it was written."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from complaints.observability import correlation
from tests.logs import json_logs


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with json_logs("test") as stream:
        yield stream


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_carries_the_ids_bound_at_the_time(captured: io.StringIO) -> None:
    log = logging.getLogger("complaints.test")
    # As the API does per request: bound, then the case once it is known.
    with correlation.bound(correlation.request_id, "req-1"), correlation.bound(correlation.case_number, None):
        correlation.bind_case("TS20261123000001")
        log.info("opened %s", "a case", extra={"status": 201})
    log.warning("afterwards")

    first, second = lines(captured)
    assert first["msg"] == "opened a case"
    assert first["request_id"] == "req-1"
    assert first["case_number"] == "TS20261123000001"
    assert first["status"] == 201
    assert first["service"] == "test"
    assert first["level"] == "info"
    assert "request_id" not in second
    assert "case_number" not in second


def test_exceptions_are_one_line_and_redacted(captured: io.StringIO) -> None:
    try:
        raise ValueError("could not reach 13812345678")
    except ValueError:
        logging.getLogger("complaints.test").exception("failed")
    (line,) = lines(captured)
    assert "ValueError: could not reach [phone]" in str(line["exc"])


def test_library_loggers_write_through_the_same_format(captured: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").info("started")
    logging.getLogger("arq.worker").info("polling")
    logging.getLogger("uvicorn.access").info("GET /v1/complaints?q=张三")  # silenced: raw URLs
    logging.getLogger("httpx").info("HTTP Request: GET /?q=张三")  # below WARNING
    assert [line["logger"] for line in lines(captured)] == ["uvicorn.error", "arq.worker"]

"""The committed OpenAPI document is the app's, and good enough for partners to build on."""

import difflib
import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from complaints.settings import Settings
from intake_api.app import create_app
from intake_api.openapi_spec import render

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
REGENERATE = ".venv/bin/complaints openapi --output openapi/openapi.json"
METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def generated() -> str:
    return render(create_app(Settings()))


@pytest.fixture(scope="module")
def spec(generated: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(generated)
    return loaded


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_committed_spec_is_the_apps(generated: str) -> None:
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    if committed != generated:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    generated.splitlines(keepends=True),
                    "openapi/openapi.json (committed)",
                    "the app",
                    n=1,
                )
            )[:60]
        )
        pytest.fail(
            f"openapi/openapi.json differs from the app's spec; regenerate it with `{REGENERATE}`\n{diff}"
        )


def test_operation_ids_are_explicit_unique_and_camel_case(spec: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(spec)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(r"[a-z][A-Za-z0-9]+", operation_id), operation_id


def test_every_request_body_has_an_example_that_fits_its_schema(spec: dict[str, Any]) -> None:
    bodies = 0
    for method, path, operation in operations(spec):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            bodies += 1
            assert "example" in media, f"{method.upper()} {path} ({media_type}) has no example"
            if media_type == "application/json":
                validator = jsonschema_rs.validator_for({**media["schema"], "components": spec["components"]})
                errors = [error.message for error in validator.iter_errors(media["example"])]
                assert not errors, f"{method.upper()} {path}: the example does not fit: {errors}"
    assert bodies >= 5


def test_errors_are_problem_details(spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["properties"])
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            content = response.get("content", {})
            # (The web form's errors are HTML pages; /readyz says what is down in its own words.)
            if int(status) >= 400 and content and "text/html" not in content:
                assert set(content) == {"application/problem+json"}, (method, path, status)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
        probe = path in {"/healthz", "/readyz", "/metrics"}
        for status in ("500", "503") if probe else ("429", "500", "503"):
            assert status in operation["responses"], f"{method.upper()} {path} does not document {status}"


def test_keys_are_bearer_tokens_and_every_partner_operation_needs_one(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes == {
        "HTTPBearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key: `Authorization: Bearer ck_...`",
        }
    }
    for method, path, operation in operations(spec):
        public = path in {"/healthz", "/readyz", "/metrics"} or path.startswith("/v1/channels/")
        assert bool(operation.get("security")) != public, f"{method.upper()} {path}"
        if not public:
            assert {"401", "403"} <= set(operation["responses"]), f"{method.upper()} {path}"

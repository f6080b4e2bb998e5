"""The OpenAPI document partners build against, and the command that writes it.

`complaints openapi --output openapi/openapi.json` (or `python -m intake_api.openapi_spec`)
regenerates the committed file; a test fails when it differs from what the app serves.

On top of what FastAPI generates: operation ids that do not change when code moves (a
route's explicit `operation_id`, else its function name in camelCase); every error as an
RFC 9457 problem (`application/problem+json`, schema `Problem`) with the statuses any
operation can answer — 401/403 where a key is needed, 400/413/422 where there is input,
404 where the path names something, 429 (but on probes), 500 and 503 everywhere — and each request body's
example on its media type, where generated clients and fuzzers look for it.
"""

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from intake_api.problems import PROBLEM_JSON, Problem
from intake_api.rate_limit import EXEMPT_PATHS

PROBLEM_REF = "#/components/schemas/Problem"
STANDARD = {
    400: "Malformed request (e.g. a body that is not JSON)",
    401: "Missing or unknown API key",
    403: "The key lacks a scope this needs",
    404: "Not found (or not visible to this key)",
    413: "Body too large",
    422: "Invalid request: `errors` names each field",
    429: "Rate limit reached: retry after Retry-After seconds",
    500: "Internal error (the body says nothing about its cause)",
    503: "Overloaded, or a dependency unavailable: retry after Retry-After seconds",
}
EVERYWHERE = (429, 500, 503)
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def operation_id(route: APIRoute) -> str:
    """A route without an explicit operation_id gets its function's name in camelCase."""
    head, *rest = route.name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}


def _statuses(path: str, operation: dict[str, Any], secured: bool) -> list[int]:
    wanted = [status for status in EVERYWHERE if not (status == 429 and path in EXEMPT_PATHS)]
    if secured:
        wanted += [401, 403]
    if "requestBody" in operation:
        wanted += [400, 413, 422]
    elif operation.get("parameters"):
        wanted.append(422)
    if re.search(r"\{[^}]+\}", path):
        wanted.append(404)
    return sorted(set(wanted))


def _fix_operation(path: str, operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, response in responses.items():
        content = response.get("content", {})
        if status.isdigit() and int(status) >= 400 and PROBLEM_JSON in content:
            # FastAPI puts the model under application/json; problems are sent as problem+json.
            content.pop("application/json", None)
            content[PROBLEM_JSON] = {"schema": {"$ref": PROBLEM_REF}}
    for code in _statuses(path, operation, secured=bool(operation.get("security"))):
        responses.setdefault(str(code), {"description": STANDARD[code], "content": _problem_content()})
    body = operation.get("requestBody", {}).get("content", {})
    for media in body.values():
        schema = media.get("schema", {})
        example = _first_example(schema, schemas)
        if example is not None:
            media.setdefault("example", example)


def _first_example(schema: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """The body model's first example (through a $ref, or an optional body's anyOf)."""
    for option in schema.get("anyOf", schema.get("oneOf", [])):
        found = _first_example(option, schemas)
        if found is not None:
            return found
    ref = schema.get("$ref")
    if ref:
        schema = schemas.get(ref.rsplit("/", 1)[-1], {})
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    return schema.get("example")


def build(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                _fix_operation(path, item[method], schemas)
    return spec


def cached(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        app.openapi_schema = build(app)
    return app.openapi_schema


def render(app: FastAPI) -> str:
    """The document as committed: stable key order, UTF-8, one trailing newline."""
    return json.dumps(cached(app), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    from complaints.settings import Settings
    from intake_api.app import create_app

    parser = argparse.ArgumentParser(prog="complaints openapi", description="write the OpenAPI document")
    parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = render(create_app(Settings()))
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Unknown query parameters are refused (422), not ignored; so is a single-valued one given twice.

`?stauts=closed` silently ignored would answer with every case, unfiltered: the caller is
told instead. `?unit=A&unit=B` would be read as B alone. What each operation accepts is read
from the app's own OpenAPI document, so this holds for every /v1 operation without listing
any of them here.
"""

from typing import Any

from fastapi import FastAPI, Request

from complaints.errors import InvalidInput


def _accepted(app: FastAPI, method: str, path: str) -> tuple[frozenset[str], frozenset[str]]:
    """The operation's query parameters, and those of them that take a list."""
    cache: dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = app.state.__dict__.setdefault(
        "query_names", {}
    )
    key = (method, path)
    if key not in cache:
        operation = app.openapi().get("paths", {}).get(path, {}).get(method.lower(), {})
        query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        cache[key] = (
            frozenset(p["name"] for p in query),
            frozenset(p["name"] for p in query if _is_list(p.get("schema", {}))),
        )
    return cache[key]


def _is_list(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "array" or any(_is_list(option) for option in schema.get("anyOf", []))


async def known_query_only(request: Request) -> None:
    if not request.query_params:
        return
    path = getattr(request.scope.get("route"), "path", None)
    if path is None or not path.startswith("/v1/"):
        return  # pages keep tolerating what browsers and campaigns add (?utm_source=…)
    names, lists = _accepted(request.app, request.method, path)
    unknown = sorted(set(request.query_params) - names)
    if unknown:
        listed = ", ".join(repr(name) for name in unknown)
        raise InvalidInput(f"unknown query parameter {listed}", field=unknown[0] or "query")
    for name in request.query_params:
        if name not in lists and len(request.query_params.getlist(name)) > 1:
            raise InvalidInput(f"query parameter {name!r} takes one value", field=name)

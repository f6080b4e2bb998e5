"""Unknown query parameters are refused (422), not ignored.

`?stauts=closed` silently ignored would answer with every case, unfiltered: the caller is
told instead. What each operation accepts is read from the app's own OpenAPI document, so
this holds for every /v1 operation without listing any of them here.
"""

from fastapi import FastAPI, Request

from complaints.errors import InvalidInput


def _accepted(app: FastAPI, method: str, path: str) -> frozenset[str]:
    cache: dict[tuple[str, str], frozenset[str]] = app.state.__dict__.setdefault("query_names", {})
    key = (method, path)
    if key not in cache:
        operation = app.openapi().get("paths", {}).get(path, {}).get(method.lower(), {})
        cache[key] = frozenset(p["name"] for p in operation.get("parameters", []) if p.get("in") == "query")
    return cache[key]


async def known_query_only(request: Request) -> None:
    if not request.query_params:
        return
    path = getattr(request.scope.get("route"), "path", None)
    if path is None or not path.startswith("/v1/"):
        return  # pages keep tolerating what browsers and campaigns add (?utm_source=…)
    unknown = sorted(set(request.query_params) - _accepted(request.app, request.method, path))
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise InvalidInput(f"unknown query parameter {names}", field=unknown[0] or "query")

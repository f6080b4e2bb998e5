"""OWASP API1/API3/API5: a branch's key sees and acts only on its own cases; others answer 404.

The matrix enumerates the app's routes, so an endpoint added later is covered without
touching this file: every route that names a case is tried with every other unit's key.
"""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import Case, CaseEvent, OrgUnit
from complaints.reports import facts as report_facts
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from intake_api.app import create_app
from tests.clock import CLOCK
from tests.factories import ADMIN_KEY, auth, complaint, make_key, run_routing_worker

# Everything but administration, so that a 403 never stands in for the 404.
BRANCH_SCOPES = {s for s in Permission if s is not Permission.ADMIN}
CASE_PATH = re.compile(r"\{case_number\}")


@dataclass(frozen=True)
class Api:
    app: FastAPI
    client: httpx.AsyncClient


@pytest.fixture
async def api(settings: Settings, sessions: SessionFactory) -> AsyncIterator[Api]:
    app = create_app(settings, clock=CLOCK)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(app, client)


def operations(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every operation the app serves, as its OpenAPI document lists them (the
    document is generated from app.routes, so a route added later is in it)."""
    return [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def case_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes = [(method, path) for method, path in operations(app) if CASE_PATH.search(path)]
    assert len(routes) >= 3, "GET one case, GET its events and at least one action"
    return routes


def list_routes(app: FastAPI) -> list[str]:
    """GET routes under /v1 that take no path parameter and are not administration."""
    return [
        path
        for method, path in operations(app)
        if method == "GET"
        and path.startswith("/v1/")
        and "{" not in path
        and not path.startswith("/v1/admin")
    ]


def required_query(app: FastAPI, path: str) -> dict[str, str]:
    """A GET's required query parameters, each given a value its enum allows (different ones,
    for a report crossing two dimensions)."""
    spec = app.openapi()
    found = {}
    for parameter in spec["paths"][path]["get"].get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            schema = parameter["schema"]
            if "$ref" in schema:
                schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            found[parameter["name"]] = schema["enum"][len(found)]
    return found


def example_body(app: FastAPI, method: str, path: str) -> Any:
    operation = app.openapi()["paths"][path][method.lower()]
    body = operation.get("requestBody")
    if body is None:
        return None
    media = body["content"].get("application/json")
    assert media is not None, f"{method} {path}: no JSON body"
    assert "example" in media, f"{method} {path}: its request body needs an example"
    return media["example"]


async def units(sessions: SessionFactory) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(OrgUnit.code).order_by(OrgUnit.code)))


async def events_of(sessions: SessionFactory) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(CaseEvent)) or 0


async def test_every_case_endpoint_answers_404_to_every_other_units_key(
    api: Api, sessions: SessionFactory
) -> None:
    every_unit = await units(sessions)
    assert {"BR-001", "BR-002", "BR-003", "HQ-CP"} <= set(every_unit)
    keys = {unit: await make_key(sessions, scopes=BRANCH_SCOPES, unit=unit) for unit in every_unit}
    # One case filed by BR-001's own system, one filed centrally and assigned to BR-002.
    filed = await api.client.post(
        "/v1/complaints", json=complaint(external_ref="F1"), headers=auth(keys["BR-001"])
    )
    assert filed.status_code == 201, filed.text
    central = await api.client.post(
        "/v1/complaints", json=complaint(external_ref="F2"), headers=auth(ADMIN_KEY)
    )
    assert central.status_code == 201, central.text
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Case).where(Case.case_number == central.json()["case_number"]).values(unit_code="BR-002")
        )
    owners = {filed.json()["case_number"]: "BR-001", central.json()["case_number"]: "BR-002"}
    events_before = await events_of(sessions)

    tried = 0
    for number, owner in owners.items():
        mine = await api.client.get(f"/v1/complaints/{number}", headers=auth(keys[owner]))
        assert mine.status_code == 200, f"the owner {owner} must see {number}: {mine.text}"
        for method, path in case_routes(api.app):
            body = example_body(api.app, method, path)
            missing = await api.client.request(
                method,
                path.replace("{case_number}", "TS19990101999999"),
                json=body,
                headers=auth(keys[owner]),
            )
            for unit, key in keys.items():
                if unit == owner:
                    continue
                response = await api.client.request(
                    method, path.replace("{case_number}", number), json=body, headers=auth(key)
                )
                tried += 1
                assert response.status_code == 404, (
                    f"{unit} {method} {path} on {owner}'s case: {response.text}"
                )
                # Exactly what a case that does not exist answers: nothing tells them apart.
                assert response.json()["title"] == missing.json()["title"]
                assert response.json()["detail"].replace(number, "N") == missing.json()["detail"].replace(
                    "TS19990101999999", "N"
                ), (method, path)
        for path in list_routes(api.app):
            for unit, key in keys.items():
                if unit == owner:
                    continue
                listed = await api.client.get(path, params=required_query(api.app, path), headers=auth(key))
                assert listed.status_code == 200, f"{unit} GET {path}: {listed.text}"
                assert number not in listed.text, f"{unit} sees {owner}'s {number} in GET {path}"
    assert tried >= 2 * (len(every_unit) - 1) * 3
    assert await events_of(sessions) == events_before, "a refused request changed a case"


async def test_a_branch_lists_only_its_own_cases(api: Api, sessions: SessionFactory) -> None:
    one = await make_key(sessions, scopes=BRANCH_SCOPES, unit="BR-001")
    two = await make_key(sessions, scopes=BRANCH_SCOPES, unit="BR-002")
    for n, key in enumerate([one, one, two]):
        posted = await api.client.post(
            "/v1/complaints", json=complaint(external_ref=f"L{n}"), headers=auth(key)
        )
        assert posted.status_code == 201

    ones = (await api.client.get("/v1/complaints", headers=auth(one))).json()["items"]
    twos = (await api.client.get("/v1/complaints", params={"unit": "BR-001"}, headers=auth(two))).json()[
        "items"
    ]
    everyone = (await api.client.get("/v1/complaints", headers=auth(ADMIN_KEY))).json()["items"]

    assert len(ones) == 2
    assert twos == []  # asking for another unit's cases finds none, rather than an error that confirms them
    assert len(everyone) == 3


async def test_a_repeat_of_another_branchs_case_leaves_no_trace_of_it(
    api: Api, settings: Settings, sessions: SessionFactory
) -> None:
    """BR-001 files a repeat of a BR-002 case. The link was readable from BR-001's side (the
    policy checked one side), so its GET and list answered 500 (KeyError looking up the other
    number) and its events named BR-002's case; each branch must see its own case, 200, with
    no trace of the other (neither its number nor that it exists), in reports too."""
    one = await make_key(sessions, scopes=BRANCH_SCOPES, unit="BR-001")
    two = await make_key(sessions, scopes=BRANCH_SCOPES, unit="BR-002")
    theirs = await api.client.post("/v1/complaints", json=complaint(external_ref="R1"), headers=auth(two))
    assert theirs.status_code == 201, theirs.text
    await run_routing_worker(settings)
    mine = await api.client.post("/v1/complaints", json=complaint(external_ref="R2"), headers=auth(one))
    assert mine.status_code == 201, mine.text
    await run_routing_worker(settings)
    their_number, my_number = theirs.json()["case_number"], mine.json()["case_number"]
    admin_view = (await api.client.get(f"/v1/complaints/{my_number}", headers=auth(ADMIN_KEY))).json()
    assert admin_view["related"] == [their_number], "the scenario: a repeat linked across branches"
    async with unit_of_work(sessions) as session:
        await report_facts.refresh(session, now=CLOCK(), timezone=settings.zone)

    for key, own, other in ((one, my_number, their_number), (two, their_number, my_number)):
        answers = [
            await api.client.get(f"/v1/complaints/{own}", headers=auth(key)),
            await api.client.get(f"/v1/complaints/{own}/events", headers=auth(key)),
            await api.client.get("/v1/complaints", headers=auth(key)),
            await api.client.get("/v1/reports/clusters", params={"kind": "repeat"}, headers=auth(key)),
        ]
        for answer in answers:
            assert answer.status_code == 200, f"{answer.request.url}: {answer.text}"
            assert other not in answer.text, f"{answer.request.url} names the other branch's case"
        case, _, _, clusters = (answer.json() for answer in answers)
        assert case["related"] == []
        assert case["relations"] == []
        assert clusters["total"] == 0, "a cluster of one visible case still tells of the other"

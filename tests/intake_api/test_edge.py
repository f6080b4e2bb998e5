"""What every response carries (security headers, CORS only where allowed) and how bad input
and internal failures are answered: 401, 403, 404, 401 for a tampered signature, and a 500
that tells the caller nothing about its cause."""

import hashlib
import hmac
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from complaints.db.engine import SessionFactory
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from intake_api.app import create_app
from intake_api.dependencies import SessionDep
from intake_api.settings import ApiSettings, SecuritySettings
from tests.assertions import assert_problem
from tests.clock import CLOCK
from tests.factories import ADMIN_KEY, auth, complaint, make_key

PARTNER = "https://crm.partner.example"


@pytest.fixture
async def edge(settings: Settings, sessions: SessionFactory) -> AsyncIterator[httpx.AsyncClient]:
    """The API with one allowed browser origin and two routes that fail the way bugs do."""
    app = create_app(settings, ApiSettings(security=SecuritySettings(cors_origins=(PARTNER,))), clock=CLOCK)

    async def crash() -> None:
        raise RuntimeError("secret detail /srv/app/src/x.py password=hunter2")

    async def bad_sql(session: SessionDep) -> None:
        await session.execute(text("SELECT complainant_phone FROM no_such_table WHERE x = '13800000000'"))

    app.add_api_route("/test/crash", crash, include_in_schema=False)
    app.add_api_route("/test/bad-sql", bad_sql, include_in_schema=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=auth(ADMIN_KEY)
        ) as client:
            yield client


def assert_secure(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_api_responses_are_not_cached_sniffed_or_framed(client: httpx.AsyncClient) -> None:
    number = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]

    for response in (
        await client.get(f"/v1/complaints/{number}"),
        await client.get("/v1/complaints/TS19990101000000"),
        await client.get("/v1/complaints", headers={"Authorization": "Bearer nope"}),
        await client.get("/healthz"),
    ):
        assert_secure(response)
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


async def test_html_pages_get_a_policy_that_allows_no_script(client: httpx.AsyncClient) -> None:
    page = await client.get("/complaint")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert_secure(page)
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert "form-action 'self'" in policy


async def test_cors_answers_only_the_configured_origins(
    edge: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    allowed = await edge.get("/v1/complaints", headers={"Origin": PARTNER})
    other = await edge.get("/v1/complaints", headers={"Origin": "https://evil.example"})
    preflight = await edge.options(
        "/v1/complaints",
        headers={
            "Origin": PARTNER,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    default = await client.get("/v1/complaints", headers={"Origin": PARTNER})

    assert allowed.headers["access-control-allow-origin"] == PARTNER
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == PARTNER
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    # By default no origin is allowed at all.
    assert "access-control-allow-origin" not in default.headers


@pytest.mark.parametrize("path", ["/test/crash", "/test/bad-sql"])
async def test_an_unexpected_error_is_a_generic_500_problem(edge: httpx.AsyncClient, path: str) -> None:
    response = await edge.get(path, headers={"X-Request-ID": "req-500-check"})

    body = assert_problem(response, 500)
    assert body["title"] == "Internal server error"
    assert "req-500-check" in body["detail"]
    for leak in (
        "secret",
        "/srv",
        ".py",
        "hunter2",
        "SELECT",
        "no_such_table",
        "13800000000",
        "Traceback",
        "Error",
    ):
        assert leak not in response.text
    assert_secure(response)


async def test_bad_credentials_scopes_and_objects(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    reader = await make_key(sessions, scopes={Permission.READ})
    number = (await client.post("/v1/complaints", json=complaint())).json()["case_number"]
    branch = await make_key(sessions, scopes={Permission.READ, Permission.HANDLE}, unit="BR-003")

    assert_problem(await client.get("/v1/complaints", headers={"Authorization": ""}), 401)
    assert_problem(await client.get("/v1/complaints", headers=auth("ck_unknown")), 401)
    assert_problem(await client.get("/v1/complaints", headers=auth("ck_\x01bad")), 401)
    assert_problem(await client.post("/v1/complaints", json=complaint(), headers=auth(reader)), 403)
    assert_problem(await client.get("/v1/admin/keys", headers=auth(reader)), 403)
    assert_problem(await client.get(f"/v1/complaints/{number}", headers=auth(branch)), 404)
    assert_problem(await client.get(f"/v1/complaints/{number}/events", headers=auth(branch)), 404)


async def test_a_tampered_webhook_signature_is_a_401_problem(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    secret = settings.channels.sms_webhook_secret
    assert secret is not None
    body = b'{"from": "13800000000", "text": "hello", "message_id": "m-1"}'
    signature = hmac.new(secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()
    tampered = signature[:-1] + ("0" if signature[-1] != "0" else "1")

    for headers in ({"X-Signature": tampered}, {"X-Signature": "zz"}, {}):
        response = await client.post(
            "/v1/channels/sms", content=body, headers={"Content-Type": "application/json", **headers}
        )
        assert_problem(response, 401)


async def test_input_the_spec_does_not_allow_is_refused_not_reinterpreted(client: httpx.AsyncClient) -> None:
    # A misspelt filter would otherwise answer with every case, unfiltered.
    assert_problem(await client.get("/v1/complaints", params={"stauts": "closed"}), 422, field="stauts")
    # A filter given twice would otherwise be read as its last value alone.
    assert_problem(
        await client.get("/v1/complaints", params=[("unit", "A"), ("unit", "B")]), 422, field="unit"
    )
    # Pydantic would read a number as seconds since 1970, or 0 as false.
    assert_problem(
        await client.get("/v1/complaints", params={"received_to": "0.5"}), 422, field="received_to"
    )
    assert_problem(
        await client.post("/v1/complaints", json=complaint(confidential=0)), 422, field="confidential"
    )
    assert_problem(
        await client.post("/v1/complaints", json=complaint(upstream={"ref": "R", "due_at": 0})),
        422,
        field="upstream.due_at",
    )
    assert (
        await client.get("/v1/complaints", params={"received_to": "2026-11-23T10:00:00+08:00"})
    ).status_code == 200
    # Pages are for people and browsers, which add what they like.
    assert (await client.get("/complaint", params={"utm_source": "poster"})).status_code == 200

"""Bad input to the actions: 404 for unknown and other branches' cases, 403 without `handle`,
409 with the allowed actions, 422 for a missing reason, an unknown unit or approver."""

from datetime import timedelta
from typing import Any

import httpx
import pytest

from complaints.db.engine import SessionFactory
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.clock import CLOCK
from tests.factories import auth, make_key
from tests.intake_api.handling import accepted, act, events, ok, resolved, routed

ACTIONS = [
    "accept",
    "notes",
    "contact",
    "transfer",
    "reclassify",
    "return",
    "escalate",
    "extend",
    "pause",
    "resume",
    "resolve",
    "callback",
    "reopen",
    "withdraw",
    "refuse",
    "merge",
    "close",
]
# A valid body for every action, so that only the thing under test is wrong.
VALID: dict[str, dict[str, Any]] = {
    "accept": {},
    "notes": {"text": "备注"},
    "contact": {"summary": "已联系"},
    "transfer": {"unit": "HQ-OPS", "reason": "转办"},
    "reclassify": {"business_type": "bank_cards", "cause": "fees", "reason": "改判"},
    "return": {"reason": "退回"},
    "escalate": {"reason": "升级"},
    "extend": {"days": 30, "approver": "CC010", "reason": "复杂"},  # + complainant_notified_at: see body()
    "pause": {},
    "resume": {},
    "resolve": {"outcome": "explanation", "verdict": "unfounded", "reply": "答复"},
    "callback": {"satisfaction": "satisfied"},
    "reopen": {"reason": "新事实"},
    "withdraw": {"reason": "撤回"},
    "refuse": {"ground": "out_of_scope", "reason": "不属于受理范围"},
    "merge": {"into": "TS20260101000001"},
    "close": {},
}


def valid_body(action: str, **changes: Any) -> dict[str, Any]:
    """A valid body for `action` (an extension's complainant told just now), with `changes`."""
    fields = {**VALID[action], **changes}
    if action == "extend":
        fields = {"complainant_notified_at": CLOCK().isoformat(), **fields}
    return {k: v for k, v in fields.items() if v is not None}


NEEDS_REASON = ["transfer", "reclassify", "return", "escalate", "extend", "reopen", "withdraw", "refuse"]


@pytest.mark.parametrize("action", ACTIONS)
async def test_an_unknown_case_is_a_404(client: httpx.AsyncClient, action: str) -> None:
    assert_problem(await act(client, "TS20260101999999", action, **valid_body(action)), 404)


@pytest.mark.parametrize("action", ["accept", "notes", "transfer", "reclassify", "withdraw"])
async def test_another_branchs_case_is_a_404_and_untouched(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, action: str
) -> None:
    number = await routed(client, settings)  # HQ-CARD's case
    branch = await make_key(sessions, scopes={Permission.HANDLE, Permission.READ}, unit="BR-001")

    response = await client.post(
        f"/v1/complaints/{number}/{action}", json=valid_body(action), headers=auth(branch)
    )

    assert_problem(response, 404)
    assert [e["kind"] for e in await events(client, number)] == ["received", "registered", "assigned"]


async def test_a_branch_acts_on_its_own_cases(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await routed(client, settings, content="柜员态度很差", demand="道歉", branch_code="BR-001")
    branch = await make_key(sessions, scopes={Permission.HANDLE, Permission.READ}, unit="BR-001")

    response = await client.post(
        f"/v1/complaints/{number}/accept", json={"actor": "E001"}, headers=auth(branch)
    )
    other_unit = await client.post(
        f"/v1/complaints/{number}/notes", json={"actor": "CC001", "text": "x"}, headers=auth(branch)
    )

    assert response.status_code == 200, response.text
    assert_problem(other_unit, 403)  # a branch key acts only through its own people


@pytest.mark.parametrize("action", ACTIONS)
async def test_a_key_without_the_handle_scope_is_a_403(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory, action: str
) -> None:
    number = await routed(client, settings)
    reader = await make_key(sessions, scopes={Permission.READ, Permission.INTAKE})

    response = await client.post(
        f"/v1/complaints/{number}/{action}", json=valid_body(action), headers=auth(reader)
    )

    assert_problem(response, 403)


@pytest.mark.parametrize("action", NEEDS_REASON)
@pytest.mark.parametrize("reason", [None, "", "   "], ids=["missing", "empty", "blank"])
async def test_a_missing_reason_is_a_422_naming_it(
    client: httpx.AsyncClient, settings: Settings, action: str, reason: str | None
) -> None:
    number = await accepted(client, settings)
    fields = {k: v for k, v in valid_body(action).items() if k != "reason"}
    if reason is not None:
        fields["reason"] = reason

    assert_problem(await act(client, number, action, **fields), 422, field="reason")


async def test_an_illegal_transition_is_a_409_listing_the_allowed_actions(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)

    problem = assert_problem(await act(client, number, "close"), 409)

    assert problem["allowed"] == [
        "accept",
        "notes",
        "transfer",
        "reclassify",
        "escalate",
        "extend",
        "withdraw",
        "refuse",
        "merge",
    ]
    assert (await client.get(f"/v1/complaints/{number}")).json()["status"] == "assigned"


async def test_a_closed_case_allows_only_notes_and_reopen(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await resolved(client, settings)
    await ok(client, number, "close")

    problem = assert_problem(await act(client, number, "resolve", **valid_body("resolve")), 409)

    assert problem["allowed"] == ["notes", "reopen"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit": "HQ-NOWHERE", "reason": "转办"}, "unit"),
        ({"unit": "HQ-CARD", "reason": "转办"}, "unit"),  # already there
        ({"unit": "bad unit!", "reason": "转办"}, "unit"),
        ({"reason": "转办"}, "unit"),
    ],
    ids=["unknown-unit", "same-unit", "malformed-unit", "no-unit"],
)
async def test_a_bad_transfer_is_a_422(
    client: httpx.AsyncClient, settings: Settings, body: dict[str, Any], field: str
) -> None:
    number = await accepted(client, settings)

    assert_problem(await act(client, number, "transfer", **body), 422, field=field)
    assert (await client.get(f"/v1/complaints/{number}")).json()["unit"] == "HQ-CARD"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"approver": None}, "approver"),
        ({"approver": "NOBODY"}, "approver"),
        ({"approver": "CC001"}, "approver"),  # an A role approves nothing
        ({"approver": "OP010"}, "approver"),  # another unit's manager
        ({"days": 60, "approver": "CC010"}, "approver"),  # 60 days needs the CP head or leadership
        ({"days": 45}, "days"),
        ({"days": 15}, "days"),
        ({"complainant_notified_at": None}, "complainant_notified_at"),
        ({"complainant_notified_at": "2026-01-01T10:00:00"}, "complainant_notified_at"),  # naive
        ({"complainant_notified_at": "2099-01-01T10:00:00+08:00"}, "complainant_notified_at"),
    ],
    ids=[
        "no-approver",
        "unknown-approver",
        "a-role-approver",
        "other-units-manager",
        "manager-for-60",
        "45-days",
        "15-days",
        "not-told",
        "naive-time",
        "told-in-the-future",
    ],
)
async def test_a_bad_extension_is_a_422(
    client: httpx.AsyncClient, settings: Settings, changes: dict[str, Any], field: str
) -> None:
    number = await accepted(client, settings)
    assert_problem(await act(client, number, "extend", **valid_body("extend", **changes)), 422, field=field)


async def test_an_extension_cannot_shrink_the_period(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await accepted(client, settings)
    await ok(client, number, "extend", **valid_body("extend", days=60, approver="EX001"))

    assert_problem(await act(client, number, "extend", **valid_body("extend")), 422, field="days")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "compensation", "verdict": "valid", "reply": "退款"}, "amount"),
        ({"outcome": "apology", "verdict": "valid", "reply": "致歉", "amount": "10.00"}, "amount"),
        ({"outcome": "compensation", "verdict": "valid", "reply": "退款", "amount": "-5"}, "amount"),
        ({"outcome": "refund", "verdict": "valid", "reply": "退款"}, "outcome"),
        ({"outcome": "apology", "verdict": "maybe", "reply": "致歉"}, "verdict"),
        ({"outcome": "apology", "verdict": "valid"}, "reply"),
    ],
    ids=[
        "compensation-without-amount",
        "amount-without-compensation",
        "negative",
        "bad-outcome",
        "bad-verdict",
        "no-reply",
    ],
)
async def test_a_bad_resolution_is_a_422(
    client: httpx.AsyncClient, settings: Settings, body: dict[str, Any], field: str
) -> None:
    number = await accepted(client, settings)

    assert_problem(await act(client, number, "resolve", **body), 422, field=field)


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("notes", {"actor": "NOBODY", "text": "x"}, "actor"),
        ("accept", {"actor": "OP001"}, "actor"),  # not in the case's unit
        ("notes", {"text": ""}, "text"),
        ("notes", {"text": "x", "colour": "red"}, "colour"),
        ("contact", {"summary": "x", "promised_reply_at": "2020-01-01T00:00:00+08:00"}, "promised_reply_at"),
        ("pause", {"until": "2020-01-01T00:00:00+08:00"}, "until"),
        ("pause", {"waiting_for": "godot"}, "waiting_for"),
        ("escalate", {"reason": "x", "level": "handler"}, "level"),
        ("escalate", {"reason": "x", "level": "president"}, "level"),
        ("refuse", {"reason": "x", "ground": "no_reason"}, "ground"),
        ("callback", {"satisfaction": "meh"}, "satisfaction"),
        ("merge", {"into": "TS20260101999999"}, "into"),
    ],
    ids=[
        "unknown-actor",
        "acceptor-outside-the-unit",
        "empty-note",
        "unknown-field",
        "promise-in-the-past",
        "pause-until-the-past",
        "unknown-wait",
        "escalate-to-the-bottom",
        "unknown-level",
        "unknown-ground",
        "unknown-satisfaction",
        "merge-into-nothing",
    ],
)
async def test_bad_action_fields_are_a_422_naming_them(
    client: httpx.AsyncClient, settings: Settings, action: str, body: dict[str, Any], field: str
) -> None:
    number = await routed(client, settings)
    if action in {"contact", "pause"}:
        await ok(client, number, "accept")

    assert_problem(await act(client, number, action, **body), 422, field=field)


async def test_the_person_complained_about_is_recused(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await routed(client, settings, staff_id="CC002")

    assert_problem(await act(client, number, "notes", actor="CC002", text="我没有乱收费"), 403)


async def test_escalating_past_the_top_is_a_422(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await accepted(client, settings)
    await ok(client, number, "escalate", reason="x", level="leadership")

    assert_problem(await act(client, number, "escalate", reason="再升级"), 422, field="level")


async def test_merging_into_itself_or_a_closed_case_is_a_422(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    closed = await resolved(client, settings)
    await ok(client, closed, "close")
    number = await routed(client, settings, external_ref="CALL-0002")

    assert_problem(await act(client, number, "merge", into=number), 422, field="into")
    assert_problem(await act(client, number, "merge", into=closed), 422, field="into")


async def test_merging_into_another_branchs_case_is_a_422_that_reveals_nothing(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    hq = await routed(client, settings)
    own = await routed(
        client, settings, content="柜员态度很差", demand="道歉", branch_code="BR-001", external_ref="C2"
    )
    branch = await make_key(sessions, scopes={Permission.HANDLE, Permission.READ}, unit="BR-001")

    response = await client.post(f"/v1/complaints/{own}/merge", json={"into": hq}, headers=auth(branch))

    problem = assert_problem(response, 422, field="into")
    assert problem["detail"] == f"no case {hq}"


async def test_extending_a_deadline_already_passed_is_a_422(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    received = (CLOCK() - timedelta(days=20)).isoformat()
    number = await routed(client, settings, received_at=received)
    await ok(client, number, "accept")

    assert_problem(await act(client, number, "extend", **valid_body("extend")), 422, field="days")


async def test_an_unknown_action_is_a_404_and_get_is_a_405(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)

    assert_problem(await act(client, number, "frobnicate"), 404)
    response = await client.get(f"/v1/complaints/{number}/accept")
    assert_problem(response, 405)
    assert response.headers["allow"] == "POST"


async def test_a_body_that_is_not_json_is_a_400(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await routed(client, settings)

    response = await client.post(
        f"/v1/complaints/{number}/notes", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert_problem(response, 400)

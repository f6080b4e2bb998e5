"""Every action of `POST /v1/complaints/{case_number}/{action}`: the transition, the event with
its before/after, and what it does to the clocks (real API, real routing worker, Postgres)."""

from datetime import datetime, timedelta

import httpx

from complaints.db.engine import SessionFactory
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.factories import auth, make_key
from tests.intake_api.handling import accepted, clocks, due, events, last_event, ok, resolved, routed


async def test_accept_hands_the_case_from_its_first_receiver_to_the_acceptor(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)
    before = (await client.get(f"/v1/complaints/{number}")).json()
    assert before["handling"]["first_receiver"] == "bootstrap"
    assert before["handling"]["accepted_by"] is None

    case = await ok(client, number, "accept", actor="CC002")

    assert case["status"] == "accepted"
    assert case["assignee"] == "CC002"
    assert case["handling"]["accepted_by"] == "CC002"
    assert case["handling"]["accepted_at"] is not None
    event = await last_event(client, number)
    assert (event["kind"], event["actor"], event["from_status"], event["to_status"]) == (
        "accepted",
        "CC002",
        "assigned",
        "accepted",
    )
    assert event["data"]["first_receiver"] == "bootstrap"
    assert event["data"]["before"] == {"status": "assigned", "assignee": "CC001", "accepted_by": None}
    assert event["data"]["after"] == {"status": "accepted", "assignee": "CC002", "accepted_by": "CC002"}


async def test_without_an_actor_the_key_acts_and_the_assignee_stays(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)

    case = await ok(client, number, "accept")

    assert case["assignee"] == "CC001"
    assert (await last_event(client, number))["actor"] == "bootstrap"


async def test_notes_are_recorded_without_changing_anything(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings)

    case = await ok(client, number, "notes", actor="CC001", text="客户称未收到扣费短信")

    assert case["status"] == "assigned"
    event = await last_event(client, number)
    assert event["kind"] == "noted"
    assert event["data"]["text"] == "客户称未收到扣费短信"
    assert event["data"]["internal"] is True
    assert event["data"]["before"] == event["data"]["after"] == {}


async def test_contact_meets_the_first_response_and_a_promise_becomes_a_deadline(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)
    promised = CLOCK() + timedelta(days=2)

    case = await ok(client, number, "contact", summary="已致电客户", promised_reply_at=promised.isoformat())

    assert case["status"] == "in_progress"
    assert clocks(case) == {
        "first_response": "met",
        "resolution": "running",
        "regulatory": "running",
        "promise": "running",
    }
    assert datetime.fromisoformat(due(case, "promise")) == promised
    event = await last_event(client, number)
    assert event["kind"] == "contacted"
    assert event["data"]["after"]["deadlines"]["first_response"]["state"] == "met"
    assert event["data"]["after"]["deadlines"]["promise"]["state"] == "running"

    again = await ok(client, number, "contact", summary="告知处理进展")
    assert clocks(again)["promise"] == "met"


async def test_transfer_moves_the_case_to_the_new_units_a_role_and_counts(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)
    before = (await client.get(f"/v1/complaints/{number}")).json()

    case = await ok(client, number, "transfer", actor="CC001", unit="HQ-OPS", reason="属于ATM收费问题")

    assert (case["status"], case["unit"], case["assignee"]) == ("assigned", "HQ-OPS", "OP001")
    assert case["handling"]["transfer_count"] == 1
    assert case["handling"]["accepted_by"] is None
    assert due(case, "resolution") == due(before, "resolution")  # the complainant's wait goes on
    event = await last_event(client, number)
    assert (event["kind"], event["reason"]) == ("transferred", "属于ATM收费问题")
    assert event["data"]["before"]["unit"] == "HQ-CARD"
    assert event["data"]["after"]["unit"] == "HQ-OPS"


async def test_a_transfer_never_assigns_the_person_complained_about(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await routed(client, settings, staff_id="OP001")

    case = await ok(client, number, "transfer", unit="HQ-OPS", reason="设备问题")

    assert case["assignee"] == "OP002"


async def test_return_sends_the_proposal_back_with_a_fresh_resolution_period(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await resolved(client, settings)
    before = (await client.get(f"/v1/complaints/{number}")).json()

    case = await ok(client, number, "return", actor="CC010", reason="答复未回应退费诉求")

    assert case["status"] == "in_progress"
    assert case["handling"]["return_count"] == 1
    assert clocks(case)["resolution"] == "running"
    assert clocks(case)["regulatory"] == "running"  # the decision is owed again, by the same date
    assert due(case, "regulatory") == due(before, "regulatory")
    assert "callback" not in clocks(case)  # owed on the next proposal, not this one
    event = await last_event(client, number)
    assert (event["kind"], event["actor"], event["reason"]) == ("returned", "CC010", "答复未回应退费诉求")
    assert event["data"]["before"]["deadlines"]["callback"]["state"] == "running"
    assert event["data"]["after"]["deadlines"]["callback"] is None


async def test_escalate_climbs_one_rung_or_to_a_named_one(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)

    case = await ok(client, number, "escalate", actor="CC001", reason="客户要求领导处理")
    assert case["handling"]["escalation_level"] == "unit_manager"
    event = await last_event(client, number)
    assert event["data"]["to"] == "CC010"
    assert (event["data"]["from_level"], event["data"]["to_level"]) == ("handler", "unit_manager")

    case = await ok(client, number, "escalate", reason="舆情风险", level="leadership")
    assert case["handling"]["escalation_level"] == "leadership"
    assert (await last_event(client, number))["data"]["to"] == "EX001"


async def test_extend_lengthens_the_regulatory_deadline_with_an_approver(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)
    before = (await client.get(f"/v1/complaints/{number}")).json()
    told = CLOCK().isoformat()

    to_30 = await ok(
        client, number, "extend", days=30, approver="CC010", complainant_notified_at=told, reason="案情复杂"
    )
    to_60 = await ok(
        client, number, "extend", days=60, approver="CP090", complainant_notified_at=told, reason="需外部鉴定"
    )

    assert [c["handling"]["regulatory_days"] for c in (before, to_30, to_60)] == [None, 30, 60]
    received = datetime.fromisoformat(before["received_at"])
    dues = [datetime.fromisoformat(due(c, "regulatory")) for c in (before, to_30, to_60)]
    assert all(d - received > timedelta(days=days) for d, days in zip(dues, (15, 30, 60), strict=True))
    assert dues[0] < dues[1] < dues[2]
    assert next(d for d in to_30["deadlines"] if d["kind"] == "regulatory")["period"] == "30 days"
    event = await last_event(client, number)
    assert event["kind"] == "extended"
    assert event["data"]["approver"] == "CP090"
    assert event["data"]["approver_role"] == "consumer_protection_head"
    assert (event["data"]["from_days"], event["data"]["days"]) == (30, 60)
    assert event["data"]["complainant_notified_at"] == datetime.fromisoformat(told).isoformat()


async def test_pause_stops_the_clocks_and_resume_gives_the_time_back(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)
    until = (CLOCK() + timedelta(days=3)).isoformat()

    paused = await ok(client, number, "pause", waiting_for="appraisal", until=until)
    assert paused["status"] == "paused"
    assert set(clocks(paused).values()) == {"paused"}
    assert paused["handling"]["paused_until"] is not None
    assert (await last_event(client, number))["data"]["waiting_for"] == "appraisal"

    resumed = await ok(client, number, "resume")
    assert resumed["status"] == "in_progress"
    assert set(clocks(resumed).values()) == {"running"}
    assert resumed["handling"]["paused_until"] is None


async def test_resolve_records_the_proposal_meets_the_clocks_and_starts_the_callback(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)
    await ok(client, number, "contact", summary="已联系")

    case = await ok(
        client,
        number,
        "resolve",
        outcome="compensation",
        verdict="valid",
        reply="年费收取有误，已全额退还",
        amount="200.00",
    )

    assert case["status"] == "resolved"
    handling = case["handling"]
    assert (handling["outcome"], handling["verdict"], handling["amount"]) == (
        "compensation",
        "valid",
        "200.00",
    )
    assert handling["reply"] == "年费收取有误，已全额退还"
    assert clocks(case) == {
        "first_response": "met",
        "resolution": "met",
        "regulatory": "met",
        "callback": "running",
    }
    callback = next(d for d in case["deadlines"] if d["kind"] == "callback")
    assert callback["period"] == "1 working_days"


async def test_resolving_at_first_contact_meets_the_first_response_too(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)

    case = await ok(client, number, "resolve", outcome="apology", verdict="valid", reply="致歉")

    assert clocks(case)["first_response"] == "met"


async def test_a_satisfied_callback_meets_its_clock_and_the_case_can_close(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await resolved(client, settings)

    called = await ok(client, number, "callback", satisfaction="basically_satisfied", notes="基本认可")
    closed = await ok(client, number, "close")

    assert called["status"] == "resolved"
    assert clocks(called)["callback"] == "met"
    assert (closed["status"], closed["handling"]["satisfaction"]) == ("closed", "basically_satisfied")
    assert closed["handling"]["closed_at"] is not None
    assert (await last_event(client, number))["data"]["called_back"] is True


async def test_a_dissatisfied_callback_reopens_and_goes_to_the_unit_manager(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await resolved(client, settings)

    case = await ok(client, number, "callback", actor="CP001", satisfaction="dissatisfied", notes="不认可")

    assert case["status"] == "in_progress"
    assert clocks(case)["resolution"] == "running"
    assert clocks(case)["callback"] == "met"
    assert case["handling"]["escalation_level"] == "unit_manager"
    trail = await events(client, number)
    called, escalated = trail[-2:]
    assert (called["kind"], called["from_status"], called["to_status"]) == (
        "called_back",
        "resolved",
        "in_progress",
    )
    assert called["data"]["reopened"] is True
    assert (escalated["kind"], escalated["actor"]) == ("escalated", "escalation")
    assert escalated["data"]["rule"] == "dissatisfied_callback"
    assert escalated["data"]["to"] == "CC010"


async def test_reopen_on_new_facts_restarts_resolution_and_regulatory(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await resolved(client, settings)
    await ok(client, number, "callback", satisfaction="satisfied")
    closed = await ok(client, number, "close")

    case = await ok(client, number, "reopen", reason="客户提供新的扣费凭证")

    assert case["status"] == "in_progress"
    assert case["handling"]["closed_at"] is None
    assert clocks(case) == {
        "first_response": "met",
        "resolution": "running",
        "regulatory": "running",
        "callback": "met",
    }
    assert due(case, "regulatory") >= due(closed, "regulatory")  # 15 days from now, not from receipt
    event = await last_event(client, number)
    assert event["data"]["before"]["deadlines"]["regulatory"]["state"] == "met"
    assert event["data"]["after"]["deadlines"]["regulatory"]["state"] == "running"


async def test_reopening_before_the_callback_drops_the_callback_owed(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await resolved(client, settings)

    case = await ok(client, number, "reopen", reason="新事实")

    assert "callback" not in clocks(case)


async def test_withdraw_ends_the_case_and_its_clocks(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await accepted(client, settings)

    case = await ok(client, number, "withdraw", reason="客户来电撤回")

    assert case["status"] == "withdrawn"
    assert set(clocks(case).values()) == {"met"}
    assert (await last_event(client, number))["reason"] == "客户来电撤回"


async def test_refuse_records_the_ground_and_the_reply(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await routed(client, settings)

    case = await ok(client, number, "refuse", ground="in_litigation", reason="已进入诉讼")

    assert case["status"] == "refused"
    assert case["handling"]["refusal_ground"] == "in_litigation"
    assert case["handling"]["reply"] == "已进入诉讼"  # the reason, when no separate reply was given
    event = await last_event(client, number)
    assert (event["kind"], event["data"]["ground"]) == ("refused", "in_litigation")


async def test_merge_keeps_both_histories_and_links_the_cases(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    survivor = await routed(client, settings)
    duplicate = await routed(client, settings, external_ref="CALL-0002")

    case = await ok(client, duplicate, "merge", into=survivor, reason="同一事项重复投诉")

    assert case["status"] == "merged"
    assert case["related"] == [survivor]
    assert set(clocks(case).values()) == {"met"}
    kept = (await client.get(f"/v1/complaints/{survivor}")).json()
    assert kept["status"] == "assigned"
    assert kept["related"] == [duplicate]
    merged_in = await last_event(client, survivor)
    assert (merged_in["kind"], merged_in["data"]["from"]) == ("merged_in", duplicate)
    assert [e["kind"] for e in await events(client, duplicate)][-1] == "merged"
    assert (await last_event(client, duplicate))["data"]["into"] == survivor


async def test_events_record_who_when_and_the_status_in_order(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)
    await ok(client, number, "notes", actor="CC002", text="备注")

    trail = await events(client, number)

    assert [e["kind"] for e in trail] == ["received", "registered", "assigned", "accepted", "noted"]
    assert [e["actor"] for e in trail[-2:]] == ["CC001", "CC002"]
    times = [datetime.fromisoformat(e["at"]) for e in trail]
    assert times == sorted(times)


async def test_a_key_named_after_a_person_acts_as_that_person(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await routed(client, settings)
    key = await make_key(sessions, scopes={Permission.HANDLE, Permission.READ}, name="CC002")

    response = await client.post(f"/v1/complaints/{number}/accept", headers=auth(key))

    assert response.status_code == 200, response.text
    assert response.json()["assignee"] == "CC002"
    assert (await last_event(client, number))["actor"] == "CC002"

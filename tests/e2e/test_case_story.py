"""One complaint's whole life, scripted against the real API, the real routing worker (burst
mode) and the SLA worker's jobs: intake → accept → transfer → rework → extend → resolve →
dissatisfied callback (which reopens it) → resolve → satisfied callback → close. The events
endpoint must tell the whole story, in order."""

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from arq import ArqRedis

from complaints.settings import Settings
from sla_worker.jobs import shutdown, startup, sweep_deadlines
from sla_worker.unaccepted import escalate_unaccepted
from tests.clock import CLOCK
from tests.factories import complaint, run_routing_worker

pytestmark = pytest.mark.e2e


async def step(client: httpx.AsyncClient, number: str, action: str, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/v1/complaints/{number}/{action}", json=body)
    assert response.status_code == 200, f"{action}: {response.text}"
    case: dict[str, Any] = response.json()
    return case


async def run_sla_worker_jobs(settings: Settings, redis: ArqRedis) -> None:
    ctx: dict[str, Any] = {"settings": settings, "redis": redis, "clock": CLOCK}
    await startup(ctx)
    try:
        await sweep_deadlines(ctx)
        await escalate_unaccepted(ctx)
    finally:
        await shutdown(ctx)


async def test_the_whole_story_of_one_complaint(
    client: httpx.AsyncClient, settings: Settings, redis: ArqRedis
) -> None:
    now = CLOCK()
    # 1. The hotline posts the call; the routing worker sends it to the card centre.
    created = await client.post(
        "/v1/complaints",
        json=complaint(content="信用卡年费未经同意被扣收，要求退还", demand="退还年费"),
        headers={"Idempotency-Key": "call-story-1"},
    )
    assert created.status_code == 201, created.text
    number = created.json()["case_number"]
    await run_routing_worker(settings)
    case = (await client.get(f"/v1/complaints/{number}")).json()
    assert (case["status"], case["unit"], case["assignee"]) == ("assigned", "HQ-CARD", "CC001")

    # 2. The card centre accepts and calls back, promising an answer in two days.
    await step(client, number, "accept", actor="CC001")
    await step(
        client,
        number,
        "contact",
        actor="CC001",
        summary="已致电客户，核实扣费情况",
        promised_reply_at=(now + timedelta(days=2)).isoformat(),
    )
    # 3. The fee is an operations matter: transferred, then accepted there.
    case = await step(
        client, number, "transfer", actor="CC001", unit="HQ-OPS", reason="年费扣收由运营管理部负责"
    )
    assert (case["status"], case["assignee"]) == ("assigned", "OP001")
    await step(client, number, "accept", actor="OP001")
    await step(client, number, "contact", actor="OP001", summary="运营管理部已联系客户")
    await step(
        client,
        number,
        "resolve",
        actor="OP001",
        outcome="explanation",
        verdict="unfounded",
        reply="年费按合同收取",
    )
    # 4. The supervisor sends the proposal back for rework (退回重办).
    case = await step(client, number, "return", actor="CP010", reason="未核实客户是否同意开通年费")
    assert case["handling"]["return_count"] == 1
    # 5. Complex: the regulatory period goes to 30 days, approved by the unit manager.
    case = await step(
        client,
        number,
        "extend",
        actor="OP001",
        days=30,
        approver="OP010",
        complainant_notified_at=CLOCK().isoformat(),
        reason="需调取开卡录音",
    )
    assert case["handling"]["regulatory_days"] == 30
    # 6. Resolved with a refund; the callback finds the complainant dissatisfied: reopened and
    #    escalated to the unit manager.
    await step(
        client,
        number,
        "resolve",
        actor="OP001",
        outcome="compensation",
        verdict="valid",
        reply="退还年费",
        amount="200.00",
    )
    case = await step(
        client, number, "callback", actor="CP001", satisfaction="dissatisfied", notes="要求赔偿利息"
    )
    assert (case["status"], case["handling"]["escalation_level"]) == ("in_progress", "unit_manager")
    # 7. Resolved again; this time the callback is satisfied and the case is closed.
    await step(
        client,
        number,
        "resolve",
        actor="OP001",
        outcome="compensation",
        verdict="valid",
        reply="退还年费并补偿利息",
        amount="215.50",
    )
    await step(client, number, "callback", actor="CP001", satisfaction="satisfied", notes="客户认可")
    closed = await step(client, number, "close", actor="CP001")
    await run_sla_worker_jobs(settings, redis)

    # The case as it ends.
    assert closed["status"] == "closed"
    handling = closed["handling"]
    assert (handling["first_receiver"], handling["accepted_by"]) == ("bootstrap", "OP001")
    assert (handling["transfer_count"], handling["return_count"], handling["regulatory_days"]) == (1, 1, 30)
    assert (handling["outcome"], handling["verdict"], handling["amount"]) == (
        "compensation",
        "valid",
        "215.50",
    )
    assert handling["satisfaction"] == "satisfied"
    assert {d["kind"]: d["state"] for d in closed["deadlines"]} == {
        "first_response": "met",
        "resolution": "met",
        "regulatory": "met",
        "promise": "met",
        "callback": "met",
    }

    # The story, in order: what happened, who did it, and the status before and after.
    trail = (await client.get(f"/v1/complaints/{number}/events")).json()["items"]
    assert [(e["kind"], e["actor"], e["from_status"], e["to_status"]) for e in trail] == [
        ("received", "bootstrap", None, "received"),
        ("registered", "routing", "received", "registered"),
        ("assigned", "routing", "registered", "assigned"),
        ("accepted", "CC001", "assigned", "accepted"),
        ("contacted", "CC001", "accepted", "in_progress"),
        ("transferred", "CC001", "in_progress", "assigned"),
        ("accepted", "OP001", "assigned", "accepted"),
        ("contacted", "OP001", "accepted", "in_progress"),
        ("resolved", "OP001", "in_progress", "resolved"),
        ("returned", "CP010", "resolved", "in_progress"),
        ("extended", "OP001", "in_progress", "in_progress"),
        ("resolved", "OP001", "in_progress", "resolved"),
        ("called_back", "CP001", "resolved", "in_progress"),
        ("escalated", "escalation", "in_progress", "in_progress"),
        ("resolved", "OP001", "in_progress", "resolved"),
        ("called_back", "CP001", "resolved", "resolved"),
        ("closed", "CP001", "resolved", "closed"),
    ]
    by_kind = [(e["kind"], e) for e in trail]
    reasons = {kind: e["reason"] for kind, e in by_kind if e["reason"]}
    assert reasons["transferred"] == "年费扣收由运营管理部负责"
    assert reasons["returned"] == "未核实客户是否同意开通年费"
    assert reasons["extended"] == "需调取开卡录音"
    transferred = next(e for kind, e in by_kind if kind == "transferred")
    assert transferred["data"]["before"]["unit"] == "HQ-CARD"
    assert transferred["data"]["after"]["unit"] == "HQ-OPS"
    extended = next(e for kind, e in by_kind if kind == "extended")
    assert (extended["data"]["approver"], extended["data"]["days"]) == ("OP010", 30)
    dissatisfied = next(e for kind, e in by_kind if kind == "called_back")
    assert dissatisfied["data"]["satisfaction"] == "dissatisfied"
    assert dissatisfied["data"]["reopened"] is True
    escalated = next(e for kind, e in by_kind if kind == "escalated")
    assert (escalated["data"]["rule"], escalated["data"]["to"]) == ("dissatisfied_callback", "OP010")
    times = [datetime.fromisoformat(e["at"]) for e in trail]
    assert times == sorted(times)

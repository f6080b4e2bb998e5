"""One vocabulary of events: whatever a case lives through — intake, routing and its alerts, a
repeat, every action, warnings and breaches with their actions, a data-subject request — the
kinds stored are members of EventKind, and every climb of the ladder names its rule."""

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from complaints.configuration.rulebook import load_rulebook
from complaints.db.engine import SessionFactory, unit_of_work
from complaints.db.models import CaseEvent
from complaints.deadlines.sweep import sweep_once
from complaints.domain.events import EventKind
from complaints.settings import Settings
from tests.clock import CLOCK
from tests.intake_api.handling import accepted, events, ok, resolved, routed

PERSON = {"name": "李四", "phone": "13700001111", "id_number": "110101199003071234"}


async def sweep(sessions: SessionFactory, settings: Settings, *, now: datetime) -> None:
    async with unit_of_work(sessions) as session:
        rulebook = await load_rulebook(session, zone=settings.zone)
        await sweep_once(session, now=now, batch=1000, rulebook=rulebook)


async def stored_kinds(sessions: SessionFactory) -> set[str]:
    async with sessions() as session:
        return set((await session.scalars(select(CaseEvent.kind).distinct())).all())


async def a_full_life(client: httpx.AsyncClient, settings: Settings) -> None:
    number = await accepted(client, settings, complainant=PERSON)
    await routed(client, settings, complainant=PERSON, content="信用卡年费未经同意被扣收，至今没有人联系我")
    await routed(client, settings, content="信用卡年费乱收费，我要找记者曝光")
    await routed(client, settings, content="客户在网点辱骂柜员并砸坏设备", demand=None, branch_code="BR-001")
    await ok(client, number, "notes", text="客户称未收到扣费短信")
    promised = (CLOCK() + timedelta(days=1)).isoformat()
    await ok(client, number, "contact", summary="已致电客户", promised_reply_at=promised)
    await ok(client, number, "pause", waiting_for="appraisal")
    await ok(client, number, "resume")
    await ok(client, number, "escalate", reason="客户要求领导处理")
    told = CLOCK().isoformat()
    await ok(client, number, "extend", days=30, approver="CC010", complainant_notified_at=told, reason="复杂")
    await ok(client, number, "resolve", outcome="explanation", verdict="communication", reply="已解释")
    await ok(client, number, "callback", satisfaction="dissatisfied", notes="不认可")
    await ok(client, number, "resolve", outcome="explanation", verdict="communication", reply="再解释")
    await ok(client, number, "return", reason="答复未回应退费诉求")
    await ok(client, number, "resolve", outcome="explanation", verdict="communication", reply="已退费")
    await ok(client, number, "callback", satisfaction="satisfied")
    await ok(client, number, "close")

    await ok(client, await resolved(client, settings), "reopen", reason="新事实")
    survivor = await accepted(client, settings)
    await ok(client, await accepted(client, settings), "merge", into=survivor, reason="同一事项")
    await ok(client, await routed(client, settings), "transfer", unit="HQ-OPS", reason="转办")
    reclassify = {"business_type": "loans", "cause": "fees", "reason": "房贷"}
    await ok(client, await routed(client, settings), "reclassify", **reclassify)
    await ok(client, await routed(client, settings), "refuse", ground="in_litigation", reason="已诉讼")
    await ok(client, await routed(client, settings), "withdraw", reason="撤回")

    for request, body in (
        ("correct", {"subject": {"phone": PERSON["phone"]}, "name": "李四四"}),
        ("erase", {"subject": {"id_number": PERSON["id_number"]}}),
    ):
        response = await client.post(f"/v1/admin/data-subjects/{request}", json=body)
        assert response.status_code == 200, response.text


async def test_every_kind_written_is_a_member_of_the_vocabulary(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    await a_full_life(client, settings)
    # Some clocks past a warning threshold, then every clock breached.
    await sweep(sessions, settings, now=CLOCK() + timedelta(hours=13))
    await sweep(sessions, settings, now=CLOCK() + timedelta(days=400))

    kinds = await stored_kinds(sessions)

    assert kinds <= set(EventKind), f"not in EventKind: {sorted(kinds - set(EventKind))}"
    # Only a message needs a mail or SMS thread (the channel tests write it).
    assert set(EventKind) - kinds == {EventKind.MESSAGE}, "the life above no longer reaches every kind"


async def escalations(client: httpx.AsyncClient, number: str) -> list[dict[str, Any]]:
    return [e for e in await events(client, number) if e["kind"] == "escalated"]


async def test_manual_escalations_carry_their_rule_and_the_actors_reason(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    number = await accepted(client, settings)

    await ok(client, number, "escalate", actor="CC001", reason="客户要求领导处理")
    await ok(client, number, "escalate", reason="舆情风险", level="leadership")

    climbs = [
        (e["data"]["rule"], e["data"]["to_level"], e["reason"]) for e in await escalations(client, number)
    ]
    assert climbs == [("by_hand", "unit_manager", "客户要求领导处理"), ("by_hand", "leadership", "舆情风险")]


async def test_breach_escalations_carry_the_breached_clock_as_their_rule(
    client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory
) -> None:
    number = await routed(client, settings)

    await sweep(sessions, settings, now=CLOCK() + timedelta(days=400))

    climbs = [(e["data"]["rule"], e["actor"], e["reason"]) for e in await escalations(client, number)]
    assert climbs == [
        ("breach:first_response", "sla", "first_response deadline breached"),
        ("breach:resolution", "sla", "resolution deadline breached"),
        ("breach:regulatory", "sla", "regulatory deadline breached"),
    ]

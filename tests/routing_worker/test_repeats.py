"""Repeats (same complainant, same issue) and group candidates, found while routing."""

from typing import Any

import httpx

from complaints.settings import Settings
from tests.factories import complaint, run_routing_worker

PERSON = {"name": "李四", "phone": "13700001111", "id_number": "110101199003071234"}
BRANCH_SERVICE = "城西支行柜员态度很差，办理业务排队两个小时，还对我大声呵斥"
PRODUCT_DEFAULT = "某某理财产品到期无法兑付，我们要求银行给个说法，立即兑付本金和收益"


async def file_and_route(client: httpx.AsyncClient, settings: Settings, **fields: Any) -> dict[str, Any]:
    response = await client.post("/v1/complaints", json=complaint(**{"demand": None, **fields}))
    assert response.status_code == 201, response.text
    await run_routing_worker(settings)
    case: dict[str, Any] = (await client.get(f"/v1/complaints/{response.json()['case_number']}")).json()
    return case


async def test_the_same_complainant_on_the_same_issue_is_a_repeat_sent_to_the_original_unit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    original = await file_and_route(
        client, settings, external_ref="C-1", complainant=PERSON, content=BRANCH_SERVICE, branch_code="BR-002"
    )
    assert original["unit"] == "BR-002"

    # Another channel, another phone, no branch named: the ID number says who it is.
    again = await file_and_route(
        client,
        settings,
        external_ref="C-2",
        complainant={"name": "李四", "phone": "13900002222", "id_number": "110101199003071234"},
        content=BRANCH_SERVICE + "，至今没有人联系我",
    )

    assert "repeat" in again["flags"]
    assert again["severity"] == "important"
    assert again["unit"] == "BR-002"  # not HQ-CP, where it would go on its own
    assert again["routing"]["rule"] == "repeat-to-original-unit"
    assert original["case_number"] in again["routing"]["reason"]
    assert again["related"] == [original["case_number"]]
    assert again["relations"] == [{"kind": "repeat", "case_number": original["case_number"]}]
    first = (await client.get(f"/v1/complaints/{original['case_number']}")).json()
    assert first["related"] == [again["case_number"]]  # seen from both sides
    events = (await client.get(f"/v1/complaints/{original['case_number']}/events")).json()["items"]
    assert events[-1]["kind"] == "repeat_received"
    assert events[-1]["data"] == {"case_number": again["case_number"]}


async def test_the_same_complainant_on_another_issue_is_no_repeat(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await file_and_route(client, settings, external_ref="C-1", complainant=PERSON)  # credit card fee
    other = await file_and_route(
        client, settings, external_ref="C-2", complainant=PERSON, content="房贷提前还款被收取高额违约金"
    )

    assert "repeat" not in other["flags"]
    assert other["unit"] == "HQ-LOAN"
    assert other["related"] == []


async def test_a_repeat_of_a_credit_card_complaint_keeps_its_flag_rules_first(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    original = await file_and_route(client, settings, external_ref="C-1", complainant=PERSON)
    media = await file_and_route(
        client, settings, external_ref="C-2", complainant=PERSON, content="信用卡年费又被扣了，我要找记者曝光"
    )

    assert {"repeat", "media"} <= set(media["flags"])
    assert media["unit"] == "HQ-PR"  # the media rule outranks the original's unit
    assert media["related"] == [original["case_number"]]


async def test_five_complainants_with_near_identical_text_in_a_day_are_a_group_candidate(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    cases = []
    for i in range(5):
        cases.append(
            await file_and_route(
                client,
                settings,
                external_ref=f"G-{i}",
                complainant={"name": f"客户{i}", "phone": f"1360000000{i}"},
                content=PRODUCT_DEFAULT + f"。本人第{i}号",
            )
        )

    assert all("group" not in case["flags"] for case in cases[:4])
    fifth = cases[4]
    assert "group" in fifth["flags"]
    assert fifth["unit"] == "HQ-CP"
    assert fifth["severity"] == "major"
    assert sorted(fifth["related"]) == sorted(case["case_number"] for case in cases[:4])
    assert {r["kind"] for r in fifth["relations"]} == {"group"}
    earlier = (await client.get(f"/v1/complaints/{cases[0]['case_number']}")).json()
    assert fifth["case_number"] in earlier["related"]


async def test_one_complainant_sending_the_same_text_five_times_is_no_group(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    for i in range(5):
        last = await file_and_route(
            client, settings, external_ref=f"S-{i}", complainant=PERSON, content=PRODUCT_DEFAULT
        )
    assert "group" not in last["flags"]
    assert "repeat" in last["flags"]

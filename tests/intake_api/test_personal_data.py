"""PIPL: masked unless pii:read, every unmasked read recorded, and a person's requests honoured."""

from typing import Any

import httpx
from sqlalchemy import func, select

from complaints.db.engine import SessionFactory
from complaints.db.models import ApiKey, Case, CaseEvent, PersonalDataRead
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.factories import auth, complaint, make_key, run_routing_worker

PERSON = {
    "name": "王小明",
    "phone": "13812345678",
    "email": "xiaoming@example.org",
    "id_number": "110101199003071234",
    "customer_no": "CUST-778899",
}
OTHER = {"name": "赵六", "phone": "13900009999"}


async def file(client: httpx.AsyncClient, person: dict[str, str], ref: str, **fields: Any) -> str:
    response = await client.post(
        "/v1/complaints", json=complaint(external_ref=ref, complainant=person, **fields)
    )
    assert response.status_code == 201, response.text
    number: str = response.json()["case_number"]
    return number


async def reads(sessions: SessionFactory) -> list[tuple[str, str, list[str], str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(ApiKey.name, Case.case_number, PersonalDataRead.fields, PersonalDataRead.purpose)
            .join(Case, Case.id == PersonalDataRead.case_id)
            .join(ApiKey, ApiKey.id == PersonalDataRead.api_key_id)
            .order_by(PersonalDataRead.id)
        )
        return [(name, number, fields, purpose) for name, number, fields, purpose in rows]


async def test_without_pii_read_personal_data_is_masked_and_nothing_is_recorded(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    number = await file(client, PERSON, "M1")
    reader = await make_key(sessions, scopes={Permission.READ}, name="masked-reader")

    one = (await client.get(f"/v1/complaints/{number}", headers=auth(reader))).json()
    listed = (await client.get("/v1/complaints", headers=auth(reader))).json()["items"]

    assert one["complainant"] == {
        "name": "王**",
        "phone": "138****5678",
        "email": "x***@example.org",
        "id_number": "110***********1234",
        "customer_no": "*******8899",
    }
    assert listed[0]["complainant"] == one["complainant"]
    assert await reads(sessions) == []


async def test_every_unmasked_read_is_recorded_with_who_and_which_fields(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    first = await file(client, PERSON, "R1")
    second = await file(client, {"phone": OTHER["phone"]}, "R2")
    anonymous = await file(client, {}, "R3")
    reader = await make_key(sessions, scopes={Permission.READ, Permission.PII_READ}, name="pii-reader")

    one = (await client.get(f"/v1/complaints/{first}", headers=auth(reader))).json()
    assert one["complainant"] == PERSON
    assert (await client.get("/v1/complaints", headers=auth(reader))).status_code == 200

    assert await reads(sessions) == [
        ("pii-reader", first, ["name", "phone", "email", "id_number", "customer_no"], "getComplaint"),
        # The list shows three cases; the one without personal data is not a read of any.
        ("pii-reader", second, ["phone"], "listComplaints"),
        ("pii-reader", first, ["name", "phone", "email", "id_number", "customer_no"], "listComplaints"),
    ]
    assert anonymous not in {number for _, number, _, _ in await reads(sessions)}


async def test_export_finds_every_case_of_a_person_by_any_identifier(
    client: httpx.AsyncClient, sessions: SessionFactory, settings: Settings
) -> None:
    by_phone = await file(client, {"name": "王小明", "phone": "+86 138-1234-5678"}, "E1")
    by_id = await file(client, {"id_number": PERSON["id_number"].lower().replace("x", "X")}, "E2")
    await file(client, OTHER, "E3")
    await run_routing_worker(settings)

    response = await client.post(
        "/v1/admin/data-subjects/export", json={"phone": PERSON["phone"], "id_number": PERSON["id_number"]}
    )

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    cases = response.json()["cases"]
    assert [c["case"]["case_number"] for c in cases] == [by_phone, by_id]
    assert cases[0]["case"]["complainant"]["phone"] == "+86 138-1234-5678"  # unmasked, as filed
    assert [e["kind"] for e in cases[0]["events"]][:1] == ["received"]
    assert {purpose for _, _, _, purpose in await reads(sessions)} == {"data_subject_export"}
    nobody = await client.post("/v1/admin/data-subjects/export", json={"email": "nobody@example.org"})
    assert nobody.json()["cases"] == []


async def test_data_subject_requests_need_an_unbound_admin_key_and_an_identifier(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    admin_without_pii = await make_key(sessions, scopes={Permission.ADMIN})
    branch = await make_key(sessions, scopes=set(Permission) - {Permission.ADMIN}, unit="BR-001")

    assert_problem(await client.post("/v1/admin/data-subjects/export", json={}), 422)
    assert_problem(
        await client.post(
            "/v1/admin/data-subjects/export", json={"phone": "1"}, headers=auth(admin_without_pii)
        ),
        403,
    )
    for action in ("export", "correct", "erase"):
        body = (
            {"subject": {"phone": PERSON["phone"]}, "name": "x"} if action == "correct" else {"phone": "138"}
        )
        if action == "erase":
            body = {"subject": {"phone": PERSON["phone"]}}
        assert_problem(
            await client.post(f"/v1/admin/data-subjects/{action}", json=body, headers=auth(branch)), 403
        )


async def test_correction_changes_every_case_of_the_person_and_their_hashes(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    numbers = [await file(client, PERSON, "C1"), await file(client, {"phone": PERSON["phone"]}, "C2")]
    untouched = await file(client, OTHER, "C3")

    response = await client.post(
        "/v1/admin/data-subjects/correct",
        json={"subject": {"phone": PERSON["phone"]}, "name": "王晓明", "phone": "13700000001"},
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"case_numbers": numbers, "fields": ["name", "phone"]}
    for number in numbers:
        shown = (await client.get(f"/v1/complaints/{number}")).json()["complainant"]
        assert (shown["name"], shown["phone"]) == ("王晓明", "13700000001")
        trail = (await client.get(f"/v1/complaints/{number}/events")).json()["items"]
        assert trail[-1]["kind"] == "personal_data_corrected"
        assert "13700000001" not in str(trail)  # the event names fields, not values
    # The person is now found by the new number, not the old one.
    found = await client.post("/v1/admin/data-subjects/export", json={"phone": "13700000001"})
    assert [c["case"]["case_number"] for c in found.json()["cases"]] == numbers
    old = await client.post("/v1/admin/data-subjects/export", json={"phone": PERSON["phone"]})
    assert old.json()["cases"] == []
    assert (await client.get(f"/v1/complaints/{untouched}")).json()["complainant"]["name"] == OTHER["name"]


async def statistics(sessions: SessionFactory) -> list[tuple[Any, ...]]:
    async with sessions() as session:
        rows = await session.execute(
            select(
                Case.channel,
                Case.business_type,
                Case.cause,
                Case.severity,
                Case.unit_code,
                Case.status,
                func.count(),
            )
            .group_by(
                Case.channel, Case.business_type, Case.cause, Case.severity, Case.unit_code, Case.status
            )
            .order_by(Case.unit_code, Case.status)
        )
        return [tuple(row) for row in rows]


async def test_erasure_anonymises_the_person_and_keeps_the_statistics(
    client: httpx.AsyncClient, sessions: SessionFactory, settings: Settings
) -> None:
    erased = [
        await file(
            client, PERSON, "D1", content=f"我是{PERSON['name']}，电话{PERSON['phone']}，信用卡年费被扣"
        ),
        await file(client, {"email": PERSON["email"]}, "D2"),
    ]
    kept = await file(client, OTHER, "D3")
    await run_routing_worker(settings)
    note = await client.post(f"/v1/complaints/{erased[0]}/notes", json={"text": f"已联系{PERSON['name']}"})
    assert note.status_code == 200, note.text
    before = await statistics(sessions)

    response = await client.post(
        "/v1/admin/data-subjects/erase",
        json={"subject": {"phone": PERSON["phone"], "email": PERSON["email"]}},
    )

    assert response.status_code == 200, response.text
    assert response.json()["case_numbers"] == erased
    assert await statistics(sessions) == before
    for number in erased:
        case = (await client.get(f"/v1/complaints/{number}")).json()
        assert case["complainant"] == dict.fromkeys(("name", "phone", "email", "id_number", "customer_no"))
        assert case["content"] == "[erased]"
        trail = (await client.get(f"/v1/complaints/{number}/events")).json()
        for value in PERSON.values():
            assert value not in str(case)
            assert value not in str(trail)
        assert trail["items"][-1]["kind"] == "personal_data_erased"
    async with sessions() as session:
        stored = (await session.scalars(select(Case).where(Case.case_number.in_(erased)))).all()
        assert all(c.erased_at is not None and c.complainant_phone_hash is None for c in stored)
        events = await session.scalar(select(func.count()).select_from(CaseEvent))
    assert events
    # Nothing leads back to the person any more; the other complainant is untouched.
    again = await client.post("/v1/admin/data-subjects/export", json={"phone": PERSON["phone"]})
    assert again.json()["cases"] == []
    assert (await client.get(f"/v1/complaints/{kept}")).json()["complainant"]["name"] == OTHER["name"]

"""The regulator export: JR/T 0169-2018 codes and counts for a period, as CSV and XLSX that a
spreadsheet program opens (openpyxl and the csv module read them back here)."""

import codecs
import csv
import io
import zipfile
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from complaints.db.engine import SessionFactory, unit_of_work
from complaints.reports import facts as report_facts
from complaints.schemas.keys import Permission
from complaints.settings import Settings
from tests.assertions import assert_problem
from tests.clock import CLOCK
from tests.factories import auth, make_key
from tests.intake_api.handling import ok, resolved, routed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZONE = ZoneInfo("Asia/Shanghai")
# The complainant whose details must appear in no export.
PERSON = {
    "name": "欧阳娜娜",
    "phone": "13700007777",
    "email": "ouyang.nana@example.com",
    "id_number": "11010519491231002X",
    "customer_no": "CUST-98765",
}
CONTENT = "柜员把我的存折弄丢了还态度恶劣"
DEMAND = "赔偿并公开道歉"


def _quarter_of(moment: datetime) -> str:
    local = moment.astimezone(ZONE)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


async def _refresh(sessions: SessionFactory) -> None:
    async with unit_of_work(sessions) as session:
        await report_facts.refresh(session, now=CLOCK(), timezone=ZoneInfo("Asia/Shanghai"))


async def _overdue(sessions: SessionFactory, number: str) -> None:
    """The resolution clock ran out without the case being resolved."""
    async with unit_of_work(sessions) as session:
        await session.execute(
            text(
                "UPDATE deadlines SET due_at = :due FROM cases "
                "WHERE deadlines.case_id = cases.id AND cases.case_number = :number "
                "AND deadlines.kind = 'resolution'"
            ),
            {"number": number, "due": CLOCK() - timedelta(hours=1)},
        )


@pytest.fixture
async def quarter(client: httpx.AsyncClient, settings: Settings, sessions: SessionFactory) -> dict[str, Any]:
    """Five cases this quarter with known codes, one the quarter before; the snapshot taken."""
    now = CLOCK()
    # Bank cards, fees, no branch: A by default (A199), B03, C11 — one resolved and satisfied.
    card = await resolved(client, settings, business_type="bank_cards", cause="fees")
    await ok(client, card, "callback", actor="CC001", satisfaction="satisfied")
    await routed(client, settings, business_type="bank_cards", cause="fees")
    # Deposits, service at branch BR-001: A101, B01, C01 — late. Its complainant is PERSON.
    branch = await routed(
        client,
        settings,
        business_type="deposits",
        cause="service",
        branch_code="BR-001",
        complainant=PERSON,
        content=CONTENT,
        demand=DEMAND,
        staff_id="E10086",
    )
    await _overdue(sessions, branch)
    # A is the channel of the disputed business, read from the text: a cash machine at BR-002
    # (A102, B05, C02); rules of the mobile app (A10303, B99, C03); the card's annual fee,
    # charged by the card centre itself (A2).
    await routed(
        client,
        settings,
        business_type="cash",
        cause="facilities",
        branch_code="BR-002",
        content="城西支行的取款机吞了我的钱，现金没吐出来",
    )
    await routed(
        client,
        settings,
        business_type="e_banking",
        cause="rules",
        content="手机银行APP转账要人脸识别，流程太麻烦",
    )
    # Received in the quarter before: not counted.
    local = now.astimezone(ZONE)
    quarter_start = datetime(local.year, 3 * ((local.month - 1) // 3) + 1, 1, tzinfo=ZONE)
    await routed(
        client,
        settings,
        business_type="loans",
        cause="fees",
        channel="letter",
        received_at=(quarter_start - timedelta(hours=1)).isoformat(),
    )
    await _refresh(sessions)
    return {"label": _quarter_of(now), "numbers": [card, branch]}


def _csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


COUNTS = (
    "受理量 received",
    "办结量 resolved",
    "按时办结量 resolved on time",
    "超时量 late",
    "回访满意量 satisfied callbacks",
)
EXPECTED = {
    # (A, B, C): (received, resolved, on time, late, satisfied)
    ("A101", "B01", "C01"): (1, 0, 0, 1, 0),
    ("A102", "B05", "C02"): (1, 0, 0, 0, 0),
    ("A10303", "B99", "C03"): (1, 0, 0, 0, 0),
    ("A2", "B03", "C11"): (2, 1, 1, 0, 1),
}


async def test_a_quarter_as_csv(client: httpx.AsyncClient, quarter: dict[str, Any]) -> None:
    label = quarter["label"]

    response = await client.get(f"/v1/reports/regulator/{label}")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="jrt0169-{label}.csv"'
    assert response.headers["x-mapping-version"] == "jrt0169-2018/1"
    rows = _csv_rows(response)
    assert {
        (row["A 投诉业务办理渠道代码"], row["B 投诉业务类别代码"], row["C 投诉原因代码"]): tuple(
            int(row[name]) for name in COUNTS
        )
        for row in rows
    } == EXPECTED
    assert all(row["统计期间 period"] == label for row in rows)
    assert all(row["编码映射版本 mapping version"] == "jrt0169-2018/1" for row in rows)
    branch = next(row for row in rows if row["A 投诉业务办理渠道代码"] == "A101")
    assert (branch["A 投诉业务办理渠道"], branch["B 投诉业务类别"], branch["C 投诉原因"]) == (
        "营业现场",
        "人民币储蓄",
        "服务态度及服务质量",
    )


def _sheet(book: Any, title: str) -> list[tuple[Any, ...]]:
    return list(book[title].iter_rows(values_only=True))


async def test_a_quarter_as_xlsx(client: httpx.AsyncClient, quarter: dict[str, Any]) -> None:
    label = quarter["label"]

    response = await client.get(f"/v1/reports/regulator/{label}", params={"format": "xlsx"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == f'attachment; filename="jrt0169-{label}.xlsx"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [
        "说明 notes",
        "A 投诉业务办理渠道",
        "B 投诉业务类别",
        "C 投诉原因",
        "明细 A×B×C",
    ]

    notes = {key: value for key, value in _sheet(book, "说明 notes")}
    assert notes["统计期间 period"] == label
    assert notes["编码映射版本 mapping version"] == "jrt0169-2018/1"
    assert notes["范围 scope"] == "全行 whole organisation"
    assert notes["受理量 received"] == 5
    assert notes["A 按默认规则编码 A by default (A199)"] == 0  # every A was read from the text
    assert notes["未分类, 计入其他 unclassified, counted as other"] == 0
    assert notes["报送截止 due"].endswith("-03")  # the 3rd day of the next quarter
    assert notes["数据快照 snapshot"].endswith("+08:00")

    detail = _sheet(book, "明细 A×B×C")
    assert {(row[1], row[3], row[5]): tuple(row[7:12]) for row in detail[1:]} == EXPECTED

    # Per code, a parent counting its children; every code listed; the grand total last.
    a = {row[0]: row[2:7] for row in _sheet(book, "A 投诉业务办理渠道")[1:]}
    assert a["A1"] == (3, 0, 0, 1, 0)
    assert (a["A101"], a["A102"], a["A103"], a["A10303"], a["A199"]) == (
        (1, 0, 0, 1, 0),
        (1, 0, 0, 0, 0),
        (1, 0, 0, 0, 0),
        (1, 0, 0, 0, 0),
        (0, 0, 0, 0, 0),
    )
    assert a["A2"] == (2, 1, 1, 0, 1)
    assert a["A10301"] == (0, 0, 0, 0, 0)
    assert a["合计 total"] == (5, 1, 1, 1, 1)
    b = {row[0]: row[2] for row in _sheet(book, "B 投诉业务类别")[1:]}
    assert (b["B01"], b["B02"], b["B03"], b["B0301"], b["B05"], b["B99"], b["合计 total"]) == (
        1,
        0,
        2,
        0,
        1,
        1,
        5,
    )
    c = {row[0]: row[2] for row in _sheet(book, "C 投诉原因")[1:]}
    assert (c["C01"], c["C02"], c["C03"], c["C11"], c["C12"], c["合计 total"]) == (1, 1, 1, 2, 0, 5)
    book.close()


async def test_no_personal_data_in_either_file(client: httpx.AsyncClient, quarter: dict[str, Any]) -> None:
    url = f"/v1/reports/regulator/{quarter['label']}"
    csv_text = (await client.get(url)).content.decode("utf-8-sig")
    archive = zipfile.ZipFile(io.BytesIO((await client.get(url, params={"format": "xlsx"})).content))
    # Every part of the workbook: cells, shared strings, properties.
    xlsx_text = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())

    secrets = [*PERSON.values(), CONTENT, DEMAND, "E10086", *quarter["numbers"]]
    for secret in secrets:
        assert secret not in csv_text
        assert secret not in xlsx_text
    assert "营业现场" in xlsx_text  # the search does read the text


async def test_a_unit_bound_key_counts_its_unit_only(
    client: httpx.AsyncClient, sessions: SessionFactory, quarter: dict[str, Any]
) -> None:
    branch = await make_key(sessions, scopes={Permission.REPORTS}, unit="BR-001")
    label = quarter["label"]

    response = await client.get(f"/v1/reports/regulator/{label}", headers=auth(branch))

    assert response.headers["content-disposition"] == f'attachment; filename="jrt0169-{label}-BR-001.csv"'
    rows = _csv_rows(response)
    assert [(row["A 投诉业务办理渠道代码"], row["受理量 received"]) for row in rows] == [("A101", "1")]
    xlsx = await client.get(f"/v1/reports/regulator/{label}", params={"format": "xlsx"}, headers=auth(branch))
    notes = dict(_sheet(load_workbook(io.BytesIO(xlsx.content), read_only=True), "说明 notes"))
    assert (notes["范围 scope"], notes["受理量 received"]) == ("BR-001", 1)


async def test_a_period_without_cases_is_headers_and_zeros(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/reports/regulator/2020-H2")

    assert response.status_code == 200, response.text
    assert _csv_rows(response) == []
    assert response.content.decode("utf-8-sig").startswith("统计期间 period,")
    xlsx = await client.get("/v1/reports/regulator/2020-H2", params={"format": "xlsx"})
    notes = dict(_sheet(load_workbook(io.BytesIO(xlsx.content), read_only=True), "说明 notes"))
    assert (notes["受理量 received"], notes["报送截止 due"]) == (0, "无 none known")


@pytest.mark.parametrize("label", ["2026-Q5", "2026-13", "Q3-2026", "2026-h1", "20261"])
async def test_a_bad_period_is_a_422_naming_the_forms(client: httpx.AsyncClient, label: str) -> None:
    body = assert_problem(await client.get(f"/v1/reports/regulator/{label}"), 422, field="period")

    assert body["allowed"] == [
        "YYYY-MM (month)",
        "YYYY-Qn (quarter, n 1-4)",
        "YYYY-Hn (half year, n 1-2)",
        "YYYY (year)",
    ]


async def test_a_future_period_is_a_422(client: httpx.AsyncClient) -> None:
    next_year = CLOCK().astimezone(ZONE).year + 1

    assert_problem(await client.get(f"/v1/reports/regulator/{next_year}-01"), 422, field="period")
    assert_problem(await client.get(f"/v1/reports/regulator/{next_year}"), 422, field="period")


async def test_a_bad_format_is_a_422(client: httpx.AsyncClient) -> None:
    assert_problem(
        await client.get("/v1/reports/regulator/2026", params={"format": "pdf"}), 422, field="format"
    )


async def test_the_export_needs_the_reports_scope(
    client: httpx.AsyncClient, sessions: SessionFactory
) -> None:
    reader = await make_key(sessions, scopes={Permission.READ})

    assert_problem(await client.get("/v1/reports/regulator/2026", headers=auth(reader)), 403)

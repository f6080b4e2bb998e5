"""Regulator statistics as files a spreadsheet program opens: CSV and XLSX.

Both carry only what `RegulatorStatistics` holds (codes, code names, counts and the notes on
how they were made), never anything about a person.
"""

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from complaints.reports.regulator_export import ExportCounts, RegulatorStatistics

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COUNT_HEADERS = (
    "受理量 received",
    "办结量 resolved",
    "按时办结量 resolved on time",
    "超时量 late",
    "回访满意量 satisfied callbacks",
)
DETAIL_HEADERS = (
    "统计期间 period",
    "A 投诉业务办理渠道代码",
    "A 投诉业务办理渠道",
    "B 投诉业务类别代码",
    "B 投诉业务类别",
    "C 投诉原因代码",
    "C 投诉原因",
    *COUNT_HEADERS,
    "编码映射版本 mapping version",
)
DIMENSION_SHEETS = {"A": "A 投诉业务办理渠道", "B": "B 投诉业务类别", "C": "C 投诉原因"}
NOTES_SHEET, DETAIL_SHEET = "说明 notes", "明细 A×B×C"


def _counts(counts: ExportCounts) -> list[str | int]:
    return [counts.received, counts.resolved, counts.on_time, counts.late, counts.satisfied]


def _detail_rows(statistics: RegulatorStatistics) -> Iterator[list[str | int]]:
    name = statistics.mapping.name
    for c in statistics.combinations:
        codes = [part for code in (c.channel, c.business_type, c.cause) for part in (code, name(code))]
        yield [statistics.period.label, *codes, *_counts(c.counts), statistics.mapping.version]


def to_csv(statistics: RegulatorStatistics) -> bytes:
    """The A×B×C detail under one header row; UTF-8 with a BOM, without which Excel misreads Chinese."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(DETAIL_HEADERS)
    writer.writerows(_detail_rows(statistics))
    return text.getvalue().encode("utf-8-sig")


def notes(statistics: RegulatorStatistics) -> list[tuple[str, str | int]]:
    period, mapping = statistics.period, statistics.mapping
    snapshot = statistics.snapshot_at
    return [
        ("报表 report", "金融消费者投诉统计 complaint statistics (JR/T 0169-2018)"),
        ("范围 scope", statistics.unit_code or "全行 whole organisation"),
        ("统计期间 period", period.label),
        ("起 from (included)", period.start.isoformat()),
        ("止 until (excluded)", period.end.isoformat()),
        ("时区 timezone", statistics.timezone.key),
        ("报送截止 due", period.due.isoformat() if period.due else "无 none known"),
        ("编码映射版本 mapping version", mapping.version),
        ("标准 standard", mapping.standard),
        (
            "数据快照 snapshot",
            snapshot.astimezone(statistics.timezone).isoformat(timespec="seconds")
            if snapshot
            else "无 never taken: nothing counted",
        ),
        ("受理量 received", statistics.total.received),
        (f"A 按默认规则编码 A by default ({mapping.channel_default})", statistics.channel_defaulted),
        ("未分类, 计入其他 unclassified, counted as other", statistics.unclassified),
        (
            "口径 counting",
            "按受理时间计入期间; 办结、按时、超时、满意为快照时状态 "
            "cases received in the period; resolved, on time, late and satisfied as of the snapshot",
        ),
    ]


def _header(sheet: Worksheet, headers: tuple[str, ...]) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _dimension(sheet: Worksheet, statistics: RegulatorStatistics, letter: str) -> None:
    mapping = statistics.mapping
    _header(sheet, ("代码 code", "名称 name", *COUNT_HEADERS))
    for code, counts in statistics.totals[letter].items():
        sheet.append([code, mapping.name(code), *_counts(counts)])
        # A parent's counts include its children's: the indent shows which are which.
        sheet.cell(sheet.max_row, 2).alignment = Alignment(indent=2 * mapping.depth(code))
    sheet.append(["合计 total", None, *_counts(statistics.total)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def to_xlsx(statistics: RegulatorStatistics) -> bytes:
    """Notes, the totals per code of A, B and C, and the A×B×C detail, one sheet each."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = NOTES_SHEET
    for note in notes(statistics):
        sheet.append(list(note))
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 60
    for letter, title in DIMENSION_SHEETS.items():
        _dimension(book.create_sheet(title), statistics, letter)
    detail = book.create_sheet(DETAIL_SHEET)
    _header(detail, DETAIL_HEADERS)
    for row in _detail_rows(statistics):
        detail.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

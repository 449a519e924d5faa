"""The monthly statistics report as an xlsx (docs/interfaces.md §12): title rows, one header row,
one row per township and the county total. Numbers are numbers; text cells never formulas."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from sunwu_relief.text import export_safe

from .selectors import FIGURES, MonthlyReport, StatisticsRow

HEADERS = [
    "乡镇",
    "低保户数",
    "低保人数",
    "其中重点户数",
    "其中长期户数",
    "其中一般户数",
    "低保金额(元)",
    "特困人数",
    "其中集中供养",
    "其中分散供养",
    "特困金额(元)",
    "临时救助人次",
    "临时救助金额(元)",
    "医疗救助人次",
    "医疗救助金额(元)",
]
TOTAL_LABEL = "全县合计"


def _text(sheet, value: str, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=export_safe(value))
    cell.data_type = "s"
    cell.number_format = "@"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _row(sheet, row: StatisticsRow, label: str) -> list:
    return [_text(sheet, label), *(getattr(row, name) for name in FIGURES)]


def report_workbook(report: MonthlyReport, *, bureau_name: str, township: str = "") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("统计月报")
    title = WriteOnlyCell(sheet, value=export_safe(f"{bureau_name}{township}社会救助统计月报"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([_text(sheet, f"统计月份：{report.month.year}年{report.month.month}月")])
    header = []
    for text in HEADERS:
        cell = _text(sheet, text, bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    for row in report.rows:
        sheet.append(_row(sheet, row, row.township))
    if not township:
        sheet.append(_row(sheet, report.total, TOTAL_LABEL))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

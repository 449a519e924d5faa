"""The workbooks the county sends the medical insurance office: who is 低保/特困 on which dates,
and the year's contribution subsidy list 资助参保 (docs/medical-claims.md)."""

from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from households.models import Township
from sunwu_relief.text import export_safe

from .selectors import CoveragePeriod, SubsidyRow

PROGRAMME_NAMES = {"dibao": "低保", "tekun": "特困"}
COVERAGE_HEADERS = ["序号", "乡镇", "行政村", "姓名", "身份证号", "救助类别", "起始日期", "终止日期"]
SUBSIDY_HEADERS = ["序号", "乡镇", "行政村", "姓名", "身份证号", "救助类别", "资助金额(元)", "说明"]


def _text(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=export_safe(str(value)) if value is not None else "")
    cell.number_format = "@"  # ID numbers and dates stay text
    return cell


def _townships() -> dict[int, str]:
    return dict(Township.objects.values_list("pk", "name"))


def write_coverage(periods: list[CoveragePeriod], target: Path | str | IO[bytes], *, title: str) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("救助对象身份")
    townships = _townships()
    sheet.append([title])
    sheet.append(COVERAGE_HEADERS)
    for number, period in enumerate(periods, start=1):
        member = period.member
        sheet.append(
            [
                number,
                _text(sheet, townships.get(member.household.township_id, "")),
                _text(sheet, member.household.village.name),
                _text(sheet, member.name),
                _text(sheet, member.id_number),
                PROGRAMME_NAMES[period.programme],
                _text(sheet, f"{period.starts_on:%Y-%m-%d}"),
                _text(sheet, f"{period.ends_on:%Y-%m-%d}" if period.ends_on else ""),
            ]
        )
    workbook.save(target)
    return len(periods)


def write_subsidies(rows: list[SubsidyRow], target: Path | str | IO[bytes], *, year: int) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("资助参保")
    townships = _townships()
    sheet.append([f"孙吴县 {year} 年城乡居民医保资助参保名单"])
    sheet.append(SUBSIDY_HEADERS)
    total = 0
    for number, row in enumerate(rows, start=1):
        member = row.member
        total += row.amount
        sheet.append(
            [
                number,
                _text(sheet, townships.get(member.household.township_id, "")),
                _text(sheet, member.household.village.name),
                _text(sheet, member.name),
                _text(sheet, member.id_number),
                PROGRAMME_NAMES[row.programme],
                float(row.amount),
                _text(sheet, row.explanation),
            ]
        )
    sheet.append(["合计", None, None, f"{len(rows)} 人", None, None, float(total), None])
    workbook.save(target)
    return len(rows)

"""`BodyRows` writes the very XML openpyxl writes for the same cells (text cells as `text_cell`
makes them, numbers plain): compared byte for byte, so an openpyxl that writes cells another way
fails here rather than in a bank's import."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from sunwu_relief.sheet_writer import NUMBER, TEXT, BodyRows, text_cell

KINDS = [TEXT, NUMBER, TEXT, NUMBER, TEXT]
AWKWARD = [
    "张三",
    '=HYPERLINK("http://x","点我")',
    "+1",
    "-@",
    "李\x01四\u202e",  # cleaned by export_safe
    " 王五 ",  # kept with xml:space="preserve"
    "   ",
    "赵\t六",
    "x\ny",
    "x\r\ny",
    "a&b<c>d\"e'f",
    "]]>",
    "\u3000李",
    "😀名",
    "",
    None,
    "230102198001011234",
]
NUMBERS = [0, 7, -3, Decimal("660.50"), Decimal("0.10"), Decimal("1E+2"), Decimal("-12.345"), 2.5, None]


def _rows():
    for index in range(len(AWKWARD) * len(NUMBERS)):
        text = AWKWARD[index % len(AWKWARD)]
        number = NUMBERS[index % len(NUMBERS)]
        yield [text, number, AWKWARD[(index * 7) % len(AWKWARD)], NUMBERS[(index * 5) % len(NUMBERS)], index]


def _workbook(fast: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("表")
    title = text_cell(sheet, "标题")
    title.font = Font(bold=True)
    sheet.append([title])
    body = BodyRows(sheet, KINDS) if fast else None
    for values in _rows():
        if fast:
            body.append(values)
        else:
            sheet.append([text_cell(sheet, v) if kind == TEXT else v for kind, v in zip(KINDS, values, strict=True)])
    sheet.append([text_cell(sheet, "合计"), 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _part(content: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read(name)


def test_body_rows_are_byte_for_byte_what_openpyxl_writes_for_the_same_cells():
    fast, slow = _workbook(fast=True), _workbook(fast=False)
    for name in ("xl/worksheets/sheet1.xml", "xl/styles.xml"):
        assert _part(fast, name) == _part(slow, name), name


def test_body_rows_are_text_never_formulas_and_numbers_are_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(_workbook(fast=True))).active
    rows = list(sheet.iter_rows(min_row=2))
    formula = rows[1]
    assert formula[0].value == '=HYPERLINK("http://x","点我")'
    assert formula[0].data_type == "s"
    assert formula[0].number_format == "@"
    assert rows[4][0].value == "李四"
    assert rows[3][1].value == 660.5
    assert rows[3][1].data_type == "n"
    assert rows[0][3].value == 0
    assert rows[0][3].data_type == "n"
    assert rows[0][4].value == "0"
    assert rows[0][4].data_type == "s"
    assert sheet.cell(row=len(rows) + 1, column=1).value == "合计"


@pytest.mark.parametrize("value", ["12", True])
def test_a_number_column_refuses_what_is_not_a_number(value):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("表")
    body = BodyRows(sheet, [NUMBER])
    with pytest.raises(TypeError):
        body.append([value])

"""The shared xlsx reader (the package sunwu_relief/xlsx/) is the only way an import reads a sheet."""

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from sunwu_relief.xlsx import Column, XlsxFileError, iter_xlsx, read_xlsx
from tests.xlsx_builders import SHEET, padded_bomb, rewrite_part, with_broken_xml_after_row

ROOT = Path(__file__).resolve().parents[2]
APPS = ["assessments", "audits", "benefits", "households", "sunwu_relief"]
READER = ROOT / "sunwu_relief" / "xlsx"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_no_module_but_the_shared_reader_opens_a_workbook_to_read_it():
    opening = re.compile(r"\bload_workbook\b|\bExcelReader\b|\biter_rows\b")
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if READER not in path.parents
        and "migrations" not in path.parts
        and opening.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def sheet_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ID_AND_NAME = [
    Column("身份证号", "id", text=True),
    Column("姓名", "name"),
    Column("地址", "address", required=False, multiline=True),
]


def read(data: bytes, **kwargs):
    return read_xlsx(data, columns=ID_AND_NAME, header="身份证号", **kwargs)


# --- hostile archives -------------------------------------------------------------------------


def test_a_bomb_member_padded_with_a_stored_random_member_is_refused_by_its_own_ratio():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))  # ~1000×
        archive.writestr(zipfile.ZipInfo("xl/media/padding.bin"), os.urandom(1024 * 1024))  # stored
    infos = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).infolist()
    whole = sum(i.file_size for i in infos) / sum(i.compress_size for i in infos)
    assert whole < 200  # the archive as a whole looks like an ordinary sheet
    with pytest.raises(XlsxFileError) as caught:
        read(buffer.getvalue())
    assert caught.value.code == "xlsx.zip_bomb"


def test_one_huge_cell_is_refused_while_it_streams_naming_its_row_and_column(settings):
    settings.SUNWU_XLSX_MAX_CELL_CHARS = 100
    # 20 MiB of text in B2, deflating ~77× (under the ratio limits), padded with random bytes.
    data = padded_bomb(inflated_mib=20, padding_mib=1, cell_text=True, headers=["身份证号", "姓名"], rows_before=400)
    with pytest.raises(XlsxFileError) as caught:
        read(data)
    assert caught.value.code == "xlsx.too_long"
    assert [(e.row, e.column, e.code) for e in caught.value.errors] == [(402, "姓名", "xlsx.too_long")]


def test_a_row_past_excels_last_row_is_refused():
    def move(xml: bytes) -> bytes:
        return xml.replace(b'<row r="3"', b'<row r="1048577"').replace(b'r="A3"', b'r="A1048577"')

    data = rewrite_part(sheet_bytes([["身份证号", "姓名"], ["a", "甲"], ["b", "乙"]]), SHEET, move)
    with pytest.raises(XlsxFileError) as caught:
        read(data)
    assert "last row" in caught.value.message


def test_a_sheet_broken_part_way_is_a_file_error_naming_the_last_good_row():
    data = with_broken_xml_after_row(sheet_bytes([["身份证号", "姓名"], ["a", "甲"], ["b", "乙"]]), 2)
    with pytest.raises(XlsxFileError) as caught:
        read(data)
    assert caught.value.code == "xlsx.damaged"
    assert "after row 2" in caught.value.message


# --- cell text ---------------------------------------------------------------------------------


def test_a_cell_longer_than_the_setting_is_a_row_error(settings):
    settings.SUNWU_XLSX_MAX_CELL_CHARS = 10
    result = read(sheet_bytes([["身份证号", "姓名"], ["a", "甲" * 11], ["b", "乙" * 10]]))
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "姓名", "xlsx.too_long")]
    assert str(result.errors[0]).startswith("row 2, column 姓名: ")


def test_the_default_cell_limit_is_excels_own():
    # openpyxl cuts what it writes at Excel's limit: make the second name one character longer.
    data = sheet_bytes([["身份证号", "姓名"], ["a", "甲" * 32_767], ["b", "乙" * 32_767]])
    data = rewrite_part(data, SHEET, lambda xml: xml.replace("乙".encode(), "乙乙".encode(), 1))
    result = read(data)
    assert [(e.row, e.code) for e in result.errors] == [(3, "xlsx.too_long")]


# (Other control characters cannot be in XML at all: Excel writes them as "_x0007_", plain text.)
@pytest.mark.parametrize("text", ["王\u202e五", "王\u200b五", "王\n五", "\ufeff王五", "王\t五"])
def test_control_and_bidi_characters_in_a_text_cell_are_row_errors(text):
    result = read(sheet_bytes([["身份证号", "姓名"], ["a", text], ["b", "李四"]]))
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "姓名", "xlsx.forbidden_character")]
    assert result.rows[0].values["name"] is None


def test_line_breaks_are_allowed_in_a_multiline_column_but_bidi_is_not():
    result = read(sheet_bytes([["身份证号", "姓名", "地址"], ["a", "甲", "一区\n二号"], ["b", "乙", "一区\u2066二号"]]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "地址")]
    assert result.rows[0].values["address"] == "一区\n二号"


def test_a_shared_string_table_too_large_to_keep_in_memory_is_refused_wherever_it_hides():
    """openpyxl keeps the whole table in memory; its part is found through the manifest, so
    naming it like a worksheet (which may be large: it is streamed) does not lift the cap."""
    name = "xl/worksheets/strings.xml"
    table = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{i:08d}</t></si>" for i in range(100_000))
        + "</sst>"
    ).encode()
    override = (
        f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'
    ).encode()
    data = sheet_bytes([["身份证号", "姓名"], ["a", "甲"]])
    data = rewrite_part(data, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", override))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr(name, table)
    assert len(table) > 1024 * 1024
    rows = iter_xlsx(buffer.getvalue(), columns=ID_AND_NAME, header="身份证号", max_part=1024 * 1024)
    with pytest.raises(XlsxFileError) as caught:
        next(rows)
    assert caught.value.code == "xlsx.zip_bomb"
    # With room for it, the same file reads.
    assert [r.values["name"] for r in iter_xlsx(buffer.getvalue(), columns=ID_AND_NAME, header="身份证号")] == ["甲"]

"""The xlsx reader's own XML parsing (sunwu_relief/xlsx/parts.py, sheet.py): cell types, references
with gaps, the first visible sheet, DTDs and encodings refused, rows bounded, memory bounded."""

import datetime
import io
import os
import tracemalloc
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from sunwu_relief.xlsx import Column, XlsxFileError, iter_xlsx, read_xlsx
from tests.xlsx_builders import SHEET, rewrite_part

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def workbook(
    rows: str | bytes,
    *,
    strings: list[str] | None = None,
    styles: str = "",
    date1904: bool = False,
    sheets: list[tuple[str, str, str | bytes]] | None = None,
) -> bytes:
    """An xlsx written part by part: `rows` is the <sheetData> of sheet1 (or `sheets`: (name,
    state, sheetData) each), `strings` the shared strings (raw <si> content), `styles` <cellXfs>."""
    sheets = sheets or [("Sheet1", "visible", rows)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{TYPES}worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if strings is not None:
            overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}sharedStrings+xml"/>'
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}sheet.main+xml"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE}officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" state="{state}" r:id="rId{i}"/>'
            for i, (name, state, _) in enumerate(sheets, start=1)
        )
        calendar = ' date1904="1"' if date1904 else ""
        archive.writestr(
            "xl/workbook.xml", f"<workbook {NS} {REL_NS}><workbookPr{calendar}/><sheets>{entries}</sheets></workbook>"
        )
        # Targets relative to xl/ and absolute, as writers do both.
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{OFFICE}worksheet" '
            f'Target="{"/xl/" if i % 2 else ""}worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        rels += f'<Relationship Id="rS" Type="{OFFICE}styles" Target="styles.xml"/>'
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        archive.writestr("xl/styles.xml", f"<styleSheet {NS}>{styles}</styleSheet>")
        if strings is not None:
            items = "".join(f"<si>{item}</si>" for item in strings)
            archive.writestr("xl/sharedStrings.xml", f"<sst {NS}>{items}</sst>")
        for i, (_, _, data) in enumerate(sheets, start=1):
            data = data.encode() if isinstance(data, str) else data
            archive.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f"<worksheet {NS}><sheetData>".encode() + data + b"</sheetData></worksheet>",
            )
    return buffer.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = '<row r="1">' + inline("A1", "身份证号") + inline("B1", "值") + "</row>"
COLUMNS = [Column("身份证号", "id", text=True), Column("值", "value", required=False)]


def values(data: bytes) -> list[tuple[int, object]]:
    result = read_xlsx(data, columns=COLUMNS, header="身份证号")
    assert result.errors == []
    return [(row.number, row.values["value"]) for row in result.rows]


def one(cell: str, **kwargs) -> object:
    [(_number, value)] = values(workbook(HEADER + '<row r="2">' + inline("A2", "x") + cell + "</row>", **kwargs))
    return value


# --- cell types --------------------------------------------------------------------------------


def test_shared_strings_and_rich_text_are_read_without_their_phonetic_runs():
    strings = [
        "<t>身份证号</t>",
        "<t>值</t>",
        "<t xml:space='preserve'>  王五  </t>",
        "<r><t>王</t></r><r><rPr><b/></rPr><t>六</t></r><rPh sb='0' eb='1'><t>wang</t></rPh>",
        "<t/>",
    ]
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>4</v></c></row>'
    )
    assert values(workbook(rows, strings=strings)) == [(2, "王六"), (3, None)]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('<c r="B2"><v>42</v></c>', 42),
        ('<c r="B2" t="n"><v>2.5</v></c>', 2.5),
        ('<c r="B2"><v>1E3</v></c>', 1000.0),
        ('<c r="B2" t="b"><v>1</v></c>', True),
        ('<c r="B2" t="b"><v>0</v></c>', False),
        ('<c r="B2" t="e"><v>#N/A</v></c>', "#N/A"),
        ('<c r="B2" t="str"><v> 合计 </v></c>', "合计"),
        ('<c r="B2" t="inlineStr"><is><r><t>一</t></r><r><t>二</t></r></is></c>', "一二"),
        ('<c r="B2" t="d"><v>2026-03-02T00:00:00</v></c>', datetime.date(2026, 3, 2)),
        ('<c r="B2"/>', None),
        ('<c r="B2"><v></v></c>', None),
    ],
)
def test_each_kind_of_cell_reads_as_openpyxl_reads_it(cell, expected):
    value = one(cell)
    assert value == expected
    assert type(value) is type(expected)


DATE_STYLES = (
    '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '</numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="22"/>'
    '<xf numFmtId="46"/></cellXfs>'
)


@pytest.mark.parametrize(
    ("cell", "date1904", "expected"),
    [
        ('<c r="B2" s="1"><v>46083</v></c>', False, datetime.date(2026, 3, 2)),
        ('<c r="B2" s="2"><v>46083</v></c>', False, datetime.date(2026, 3, 2)),  # a custom Chinese date format
        ('<c r="B2" s="3"><v>46083.5</v></c>', False, datetime.datetime(2026, 3, 2, 12, 0)),  # noqa: DTZ001 (naive, as Excel)
        ('<c r="B2" s="1"><v>44621</v></c>', True, datetime.date(2026, 3, 2)),  # the 1904 calendar
        ('<c r="B2" s="4"><v>1.5</v></c>', False, datetime.timedelta(days=1, hours=12)),
        ('<c r="B2" s="0"><v>46083</v></c>', False, 46083),  # no date style: a number
    ],
)
def test_a_number_is_a_date_by_its_cell_style(cell, date1904, expected):
    assert one(cell, styles=DATE_STYLES, date1904=date1904) == expected


def test_a_formula_is_an_error_whatever_its_cached_value_and_never_read_as_that_value():
    rows = HEADER + (
        '<row r="2">' + inline("A2", "x") + '<c r="B2" t="str"><f>HYPERLINK("http://evil","1")</f><v>1</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><f>"23"&amp;"11"</f><is><t>2311</t></is></c></row>'
        '<row r="4">' + inline("A4", "y") + '<c r="B4"><v>1</v><f t="shared" si="0"/></c></row>'
    )
    result = read_xlsx(workbook(rows), columns=COLUMNS, header="身份证号")
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "值", "formulas are not accepted; enter the value"),
        (3, "身份证号", "formulas are not accepted; enter the value"),
        (4, "值", "formulas are not accepted; enter the value"),
    ]
    assert [r.values for r in result.rows][0] == {"id": "x", "value": None}


# --- references --------------------------------------------------------------------------------


def test_cells_and_rows_without_references_follow_the_ones_before():
    rows = (
        "<row>" + '<c t="inlineStr"><is><t>身份证号</t></is></c><c t="inlineStr"><is><t>值</t></is></c></row>'
        '<row r="7"><c r="A7" t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>'
        '<row><c t="inlineStr"><is><t>b</t></is></c><c r="C8"><v>9</v></c></row>'
        '<row><c r="B9"><v>3</v></c><c r="A9" t="inlineStr"><is><t>c</t></is></c></row>'
    )
    assert values(workbook(rows)) == [(7, 1), (8, None), (9, 3)]


def test_columns_are_found_by_header_across_gaps_and_letters_past_z():
    header = '<row r="3">' + inline("AB3", "值") + inline("XFD3", "身份证号") + "</row>"
    row = '<row r="5"><c r="AB5"><v>7</v></c>' + inline("XFD5", "z") + "</row>"
    assert values(workbook(header + row)) == [(5, 7)]


@pytest.mark.parametrize(
    "row",
    [
        '<row r="1">' + inline("A1", "x") + "</row>",  # a row number that goes back
        '<row r="5"><c r="5A"><v>1</v></c></row>',  # not a cell reference
        '<row r="5"><c r="XFE5"><v>1</v></c></row>',  # past Excel's last column
        '<row r="x"/>',
        '<row r="5"><c r="A5" t="s"><v>0</v></c></row>',  # a shared string that is not there
        '<row r="5"><c r="A5"><v>abc</v></c></row>',  # a number that is not one
    ],
)
def test_a_sheet_that_is_not_one_is_a_damaged_file(row):
    with pytest.raises(XlsxFileError) as caught:
        read_xlsx(
            workbook(HEADER + '<row r="2">' + inline("A2", "a") + "</row>" + row), columns=COLUMNS, header="身份证号"
        )
    assert caught.value.code == "xlsx.damaged"
    assert "after row 2" in caught.value.message


def test_the_header_is_looked_for_in_the_first_50_rows_absent_rows_counted():
    late = '<row r="60">' + inline("A60", "身份证号") + "</row>" + '<row r="61">' + inline("A61", "a") + "</row>"
    with pytest.raises(XlsxFileError, match="No header row"):
        read_xlsx(workbook(late), columns=COLUMNS, header="身份证号")
    early = '<row r="50">' + inline("A50", "身份证号") + "</row>" + '<row r="51">' + inline("A51", "a") + "</row>"
    assert values(workbook(early)) == [(51, None)]


# --- sheets --------------------------------------------------------------------------------------


def test_the_first_visible_sheet_is_found_through_the_workbook_and_its_relationships():
    row = '<row r="2">' + inline("A2", "{}") + "</row>"
    sheets = [
        ("隐藏", "hidden", HEADER + row.format("hidden")),
        ("很隐藏", "veryHidden", HEADER + row.format("very")),
        ("数据", "visible", HEADER + row.format("shown")),
        ("后面", "visible", HEADER + row.format("later")),
    ]
    result = read_xlsx(workbook("", sheets=sheets), columns=COLUMNS, header="身份证号")
    assert [r.values["id"] for r in result.rows] == ["shown"]


def test_a_workbook_with_no_visible_sheet_says_so():
    with pytest.raises(XlsxFileError, match="no visible sheet"):
        read_xlsx(workbook("", sheets=[("a", "hidden", HEADER)]), columns=COLUMNS, header="身份证号")


# --- hostile XML ---------------------------------------------------------------------------------


def sheet_bytes() -> bytes:
    book = Workbook()
    book.active.append(["身份证号", "值"])
    book.active.append(["a", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LAUGHS = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml"])
@pytest.mark.parametrize("doctype", [LAUGHS, EXTERNAL], ids=["entity_expansion", "external_entity"])
def test_a_dtd_in_any_part_is_refused_before_it_is_parsed(part, doctype):
    data = rewrite_part(sheet_bytes(), part, lambda xml: doctype + xml.split(b"?>", 1)[-1])
    with pytest.raises(XlsxFileError) as caught:
        read_xlsx(data, columns=COLUMNS, header="身份证号")
    assert caught.value.code == "xlsx.dtd"


def test_a_dtd_split_across_two_reads_is_refused_too():
    def change(xml: bytes) -> bytes:
        return b"<?xml version='1.0'?>" + b" " * (8 * 1024 - 25) + b"<!DOCTYPE x []>" + xml

    with pytest.raises(XlsxFileError) as caught:
        read_xlsx(rewrite_part(sheet_bytes(), SHEET, change), columns=COLUMNS, header="身份证号")
    assert caught.value.code == "xlsx.dtd"


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.decode().encode("utf-16"),  # with its byte-order mark
        lambda xml: xml.decode().encode("utf-16-le"),
        lambda xml: b'<?xml version="1.0" encoding="UTF-7"?>' + xml,
        lambda xml: b'<?xml version="1.0" encoding="cp037"?>' + xml,
    ],
    ids=["utf16_bom", "utf16_bare", "utf7", "ebcdic"],
)
def test_a_part_in_another_encoding_than_utf8_is_refused(change):
    with pytest.raises(XlsxFileError) as caught:
        read_xlsx(rewrite_part(sheet_bytes(), SHEET, change), columns=COLUMNS, header="身份证号")
    assert caught.value.code == "xlsx.encoding"


def test_utf8_with_its_byte_order_mark_and_declaration_reads():
    data = rewrite_part(sheet_bytes(), SHEET, lambda xml: b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>' + xml)
    assert values(data) == [(2, 1)]


@pytest.mark.parametrize("where", ["row", "cell", "after_the_rows"])
def test_one_record_of_too_many_elements_is_refused_before_it_is_built(where):
    many = b"".join(b'<x n="%d"/>' % n for n in range(200_001))  # distinct: not a zip bomb
    rows = {
        "row": HEADER.encode() + b'<row r="2">' + many + b"</row>",
        "cell": HEADER.encode() + b'<row r="2"><c r="A2">' + many + b"</c></row>",
        "after_the_rows": HEADER.encode(),
    }[where]
    data = workbook(rows)
    if where == "after_the_rows":
        data = rewrite_part(data, SHEET, lambda xml: xml.replace(b"</sheetData>", b"</sheetData><extLst><ext>" + many))
    with pytest.raises(XlsxFileError) as caught:
        next(iter_xlsx(data, columns=COLUMNS, header="身份证号"))
    assert caught.value.code == "xlsx.too_large"


def test_one_row_of_too_many_bytes_is_refused_before_it_is_built():
    # 600 cells of 30,000 random letters each: every cell under the cell limit, the row 18 MB.
    letters = bytes(b"abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(256))
    cells = b"".join(
        b'<c t="inlineStr"><is><t>' + os.urandom(30_000).translate(letters) + b"</t></is></c>" for _ in range(600)
    )
    with pytest.raises(XlsxFileError) as caught:
        next(
            iter_xlsx(
                workbook(HEADER.encode() + b'<row r="2">' + cells + b"</row>"), columns=COLUMNS, header="身份证号"
            )
        )
    assert caught.value.code == "xlsx.too_large"


def test_many_small_records_are_not_one_large_one():
    # 250,000 merged ranges after the rows: each one a record of its own.
    merges = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (n, n) for n in range(250_000))
    data = workbook(HEADER + '<row r="2">' + inline("A2", "a") + "</row>")
    data = rewrite_part(
        data, SHEET, lambda xml: xml.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merges + b"</mergeCells>")
    )
    assert values(data) == [(2, None)]


def test_memory_stays_bounded_by_a_row_not_the_rows():
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%018d</t></is></c><c r="B%d"><v>%d</v></c></row>'
        % (n, n, n, n, n)
        for n in range(2, 100_002)
    )
    data = workbook(HEADER.encode() + body)
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_xlsx(data, columns=COLUMNS, header="身份证号", max_rows=200_000))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100_000
    assert peak < 8 * 1024 * 1024, f"peak Python heap {peak / 2**20:.1f} MiB for 100,000 rows"


def test_what_openpyxl_writes_reads_back_as_it_was_written():
    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号", "日期", "时刻", "时间", "数", "小数", "是否", "文字"])
    sheet.append(
        [
            "a",
            datetime.date(2026, 3, 2),
            datetime.datetime(2026, 3, 2, 8, 30),  # noqa: DTZ001 (naive, as Excel)
            datetime.time(8, 30),
            7,
            0.1,
            True,
            " 王五 ",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    keys = ["date", "moment", "time", "int", "float", "bool", "text"]
    columns = [Column("身份证号", "id", text=True)] + [
        Column(header, key)
        for header, key in zip(["日期", "时刻", "时间", "数", "小数", "是否", "文字"], keys, strict=True)
    ]
    [row] = read_xlsx(buffer.getvalue(), columns=columns, header="身份证号").rows
    assert row.values == {
        "id": "a",
        "date": datetime.date(2026, 3, 2),
        "moment": datetime.datetime(2026, 3, 2, 8, 30),  # noqa: DTZ001
        "time": datetime.time(8, 30),
        "int": 7,
        "float": 0.1,
        "bool": True,
        "text": "王五",
    }

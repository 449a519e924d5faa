"""A hostile corpus against every import (docs/security.md): each file is refused with a clear
error, nothing is written, and memory stays bounded (measured with tracemalloc).

The importers are driven through their commands (docs/interfaces.md §3), the interface that an
operator and the nightly jobs use; the headers are those of the documented formats.
"""

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.conftest import new_id_number
from tests.xlsx_builders import padded_bomb, rewrite_part, with_dimension

pytestmark = pytest.mark.django_db
MEMORY_LIMIT = 150 * 1024 * 1024  # a guard that reads a bomb to its end would need gigabytes


@dataclass(frozen=True)
class Importer:
    name: str
    args: Callable[[str, object], list[str]]
    headers: list[str]
    row: Callable[[], list[object]]
    counted: str  # "app_label.Model" that must not grow
    id_column: int | None  # where an ID number goes (row-level attacks)
    name_column: int | None


def _ledger_row() -> list[object]:
    return ["L-1", "王五", new_id_number(), "户主", "孙吴镇", "某村", "一般户", "已脱贫"]


def _roll_row() -> list[object]:
    return ["孙吴镇", "某村", "王五", new_id_number(), 1, "重点", "600", "2026-01", ""]


def _claim_row() -> list[object]:
    return [
        "S-1",
        "王五",
        new_id_number(),
        "孙吴县人民医院",
        "住院",
        "2026-03-02",
        "2026-03-07",
        "4000",
        "3000",
        "2000",
        "0",
        "1000",
    ]


IMPORTERS = [
    Importer(
        "ledger",
        lambda path, _user: ["import_ledger", path],
        ["户编号", "姓名", "身份证号", "与户主关系", "乡镇", "行政村", "贫困户属性", "脱贫状态"],
        _ledger_row,
        "households.LedgerRecord",
        2,
        1,
    ),
    Importer(
        "roll",
        lambda path, user: ["import_roll", path, "--programme", "dibao", "--user", user.username],
        ["乡镇", "行政村", "户主姓名", "户主身份证号", "保障人口", "保障类别", "保障金额(元/月)", "起始年月", "备注"],
        _roll_row,
        "benefits.Benefit",
        3,
        2,
    ),
    Importer(
        "medical",
        lambda path, _user: ["import_medical_claims", path],
        [
            "结算单号",
            "姓名",
            "身份证号",
            "医疗机构",
            "就诊类型",
            "入院或就诊日期",
            "出院日期",
            "医疗总费用",
            "政策范围内费用",
            "基本医保支付",
            "大病保险支付",
            "政策范围内个人自付",
        ],
        _claim_row,
        "benefits.MedicalClaim",
        2,
        1,
    ),
    Importer(
        "bank_results",
        lambda path, _user: ["import_bank_results", path],
        ["序号", "批次号", "金额(元)", "发放结果", "失败原因"],
        lambda: ["1", "B-1", "600", "成功", ""],
        "benefits.BankResultImport",
        None,
        None,
    ),
    Importer(
        "department_hukou",
        lambda path, _user: ["import_department_data", "hukou", path, "--date", "2026-11-01"],
        ["身份证号", "姓名", "户号"],
        lambda: [new_id_number(), "王五", "123456789"],
        "assessments.DepartmentRecord",
        0,
        1,
    ),
]


def _workbook(headers: list[str], rows: list[list[object]], *, hidden: set[int] = frozenset()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr(name, content)
    return buffer.getvalue()


def _entities(data: bytes) -> bytes:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def change(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return laughs + body.replace(b"<sheetData>", b"<sheetData>&lol3;", 1)

    return rewrite_part(data, "xl/worksheets/sheet1.xml", change)


def _beyond_excel(data: bytes) -> bytes:
    return rewrite_part(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return padded_bomb(inflated_mib=210, padding_mib=2)


FILE_ATTACKS: dict[str, Callable[[Importer, bytes], bytes]] = {
    "csv_renamed": lambda imp, _b: ",".join(imp.headers).encode() + b"\n1,2,3\n",
    "old_xls": lambda _imp, _b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024,
    "truncated": lambda imp, _b: _workbook(imp.headers, [imp.row()])[:300],
    "padded_bomb": lambda _imp, b: b,
    "entity_expansion": lambda imp, _b: _entities(_workbook(imp.headers, [imp.row()])),
    "macros": lambda imp, _b: _with_part(_workbook(imp.headers, [imp.row()]), "xl/vbaProject.bin", b"\0" * 2048),
    "row_beyond_excel": lambda imp, _b: _beyond_excel(_workbook(imp.headers, [imp.row()])),
}


def _count(label: str) -> int:
    from django.apps import apps

    return apps.get_model(label).objects.count()


def _refused(importer: Importer, content: bytes, tmp_path, user) -> tuple[str, int]:
    """Run the import; it must fail as a command fails (CommandError, or exit status 1 with its
    errors on stderr), write nothing, and say why."""
    path = tmp_path / f"{importer.name}.xlsx"
    path.write_bytes(content)
    before = _count(importer.counted)
    stderr = io.StringIO()
    tracemalloc.start()
    try:
        with pytest.raises((CommandError, SystemExit)) as refused:
            call_command(*importer.args(str(path), user), stderr=stderr)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if isinstance(refused.value, SystemExit):
        assert refused.value.code == 1
    assert _count(importer.counted) == before, "a refused import wrote rows"
    message = f"{refused.value}\n{stderr.getvalue()}"
    assert message.strip()
    assert "Traceback" not in message
    return message, peak


@pytest.mark.parametrize("attack", sorted(FILE_ATTACKS))
@pytest.mark.parametrize("importer", IMPORTERS, ids=[i.name for i in IMPORTERS])
def test_a_hostile_file_is_refused_with_nothing_written_and_bounded_memory(
    importer, attack, bomb, tmp_path, bureau_reviewer
):
    content = FILE_ATTACKS[attack](importer, bomb)
    _message, peak = _refused(importer, content, tmp_path, bureau_reviewer)
    assert peak < MEMORY_LIMIT, f"{attack}: peak Python heap {peak / 2**20:.0f} MiB"


ROW_IMPORTERS = [i for i in IMPORTERS if i.id_column is not None]


def _row_attacks(importer: Importer) -> dict[str, bytes]:
    good = importer.row
    attacks: dict[str, bytes] = {}
    formula = good()
    formula[importer.id_column] = '=HYPERLINK("http://example.invalid","1")'
    attacks["formula"] = _workbook(importer.headers, [good(), formula])
    numeric = good()
    numeric[importer.id_column] = 231124195001011234
    attacks["numeric_id"] = _workbook(importer.headers, [good(), numeric])
    long_cell = good()
    long_cell[importer.name_column] = "王" * 30_000
    attacks["cell_of_30000_characters"] = _workbook(importer.headers, [good(), long_cell])
    bidi = good()
    bidi[importer.name_column] = "王\u202e五"
    attacks["bidi_override"] = _workbook(importer.headers, [good(), bidi])
    attacks["two_header_rows"] = _workbook(importer.headers, [list(importer.headers), good()])
    hidden = good()
    hidden[importer.id_column] = "not-an-id"
    attacks["bad_hidden_row"] = _workbook(importer.headers, [good(), hidden], hidden={3})
    beyond = good()
    beyond[importer.id_column] = "not-an-id"
    attacks["bad_row_beyond_a_lying_dimension"] = with_dimension(
        _workbook(importer.headers, [good(), good(), beyond]), "A1:B2"
    )
    return attacks


@pytest.mark.parametrize(
    ("importer", "attack"),
    [(i, a) for i in ROW_IMPORTERS for a in _row_attacks(IMPORTERS[0])],
    ids=[f"{i.name}-{a}" for i in ROW_IMPORTERS for a in _row_attacks(IMPORTERS[0])],
)
def test_a_hostile_row_is_refused_with_its_row_and_nothing_written(importer, attack, tmp_path, bureau_reviewer):
    content = _row_attacks(importer)[attack]
    message, _peak = _refused(importer, content, tmp_path, bureau_reviewer)
    assert "row" in message.lower() or "行" in message

"""Departmental data imports and the reusable xlsx reader, hostile files included (docs/security.md)."""

import datetime
import io
import time
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from assessments.models import DepartmentImport, DepartmentRecord, Source
from assessments.services import ImportFailed, department_import
from sunwu_relief.errors import NotAllowed
from sunwu_relief.xlsx import Column, XlsxFileError, read_xlsx
from tests.assessments.conftest import VEHICLE_HEADERS, xlsx_bytes
from tests.conftest import new_id_number
from tests.xlsx_builders import with_broken_xml_after_row, with_dimension

DAY = datetime.date(2026, 10, 1)


def vehicle_rows(n: int) -> list[list]:
    return [[new_id_number(), f"车主{i}", f"黑N{i:05d}", "小型轿车", "2020-01-01", "正常"] for i in range(n)]


# --- the reader ------------------------------------------------------------------------------


def test_reader_finds_header_below_titles_folds_headers_and_ignores_unknown_columns():
    data = xlsx_bytes(
        ["备注", "\u3000姓名 ", "身份证号", "ＡＢＣ"], [["x", " 王五 ", "231124198001010011", "y"]], title="标题行"
    )
    result = read_xlsx(data, columns=[Column("身份证号", "id", text=True), Column("姓名", "name")], header="身份证号")
    assert result.errors == []
    assert [(r.number, r.values) for r in result.rows] == [(3, {"id": "231124198001010011", "name": "王五"})]


def test_reader_rejects_numeric_id_cells_and_formulas_with_row_and_column():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["身份证号", "姓名"])
    sheet.append([231124198001010011, "王五"])
    sheet.append(["231124198001010011", '=HYPERLINK("http://evil","点我")'])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_xlsx(
        buffer.getvalue(), columns=[Column("身份证号", "id", text=True), Column("姓名", "name")], header="身份证号"
    )
    assert [str(e).split(":")[0] for e in result.errors] == ["row 2, column 身份证号", "row 3, column 姓名"]


def test_reader_reports_missing_required_column():
    with pytest.raises(XlsxFileError) as exc:
        read_xlsx(
            xlsx_bytes(["身份证号"], []), columns=[Column("身份证号", "id"), Column("姓名", "name")], header="身份证号"
        )
    assert "column 姓名" in exc.value.message


def test_reader_reports_duplicate_header():
    with pytest.raises(XlsxFileError, match="twice"):
        read_xlsx(
            xlsx_bytes(["身份证号", "姓名", "姓名"], []),
            columns=[Column("身份证号", "id"), Column("姓名", "name")],
            header="身份证号",
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ("身份证号,姓名\n2311,王\n".encode(), "not an Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04truncated", "damaged"),
    ],
)
def test_reader_gives_clear_error_for_what_is_not_an_xlsx(data, message):
    with pytest.raises(XlsxFileError, match=message):
        read_xlsx(data, columns=[Column("身份证号", "id")], header="身份证号")


def test_reader_refuses_zip_bomb_from_its_central_directory_quickly():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(XlsxFileError, match="zip bomb"):
        read_xlsx(data, columns=[Column("身份证号", "id")], header="身份证号")
    assert time.perf_counter() - started < 0.5


def test_reader_refuses_macros():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
        archive.writestr("xl/vbaProject.bin", b"\0" * 10)
    with pytest.raises(XlsxFileError, match="macros"):
        read_xlsx(buffer.getvalue(), columns=[Column("身份证号", "id")], header="身份证号")


def test_reader_without_header_row_says_so():
    with pytest.raises(XlsxFileError, match="身份证号"):
        read_xlsx(xlsx_bytes(["姓名"], [["王"]]), columns=[Column("身份证号", "id")], header="身份证号")


def test_reader_reads_hidden_rows_and_skips_empty_ones():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["身份证号"])
    sheet.append(["a"])
    sheet.append([None])
    sheet.append(["b"])
    sheet.row_dimensions[4].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_xlsx(buffer.getvalue(), columns=[Column("身份证号", "id")], header="身份证号")
    assert [(r.number, r.values["id"]) for r in result.rows] == [(2, "a"), (4, "b")]


# --- the departmental import ------------------------------------------------------------------


@pytest.mark.django_db
def test_file_with_one_bad_row_writes_nothing_and_lists_every_error(bureau_reviewer):
    rows = vehicle_rows(3)
    rows[1][0] = "231124198001010012"  # wrong check digit
    rows[2][3] = None  # vehicle type missing
    with pytest.raises(ImportFailed) as exc:
        department_import(
            actor=bureau_reviewer,
            source=Source.VEHICLE,
            data_date=DAY,
            file=xlsx_bytes(VEHICLE_HEADERS, rows),
            filename="v.xlsx",
        )
    assert [str(e).split(":")[0] for e in exc.value.errors] == ["row 4, column 身份证号", "row 5, column 车辆类型"]
    assert DepartmentRecord.objects.count() == 0
    assert DepartmentImport.objects.count() == 0


@pytest.mark.django_db
def test_same_person_and_item_twice_is_an_error(bureau_reviewer):
    rows = vehicle_rows(1) * 2
    with pytest.raises(ImportFailed, match="1 errors"):
        department_import(
            actor=bureau_reviewer,
            source=Source.VEHICLE,
            data_date=DAY,
            file=xlsx_bytes(VEHICLE_HEADERS, rows),
            filename="v.xlsx",
        )


@pytest.mark.django_db
def test_reimport_of_the_same_file_changes_nothing(bureau_reviewer):
    data = xlsx_bytes(VEHICLE_HEADERS, vehicle_rows(3))
    first = department_import(actor=bureau_reviewer, source=Source.VEHICLE, data_date=DAY, file=data, filename="v.xlsx")
    snapshot = list(DepartmentRecord.objects.values())
    second = department_import(
        actor=bureau_reviewer, source=Source.VEHICLE, data_date=DAY, file=data, filename="v.xlsx"
    )
    assert first.created
    assert not second.created
    assert second.job == first.job
    assert list(DepartmentRecord.objects.values()) == snapshot
    assert DepartmentImport.objects.count() == 1
    assert (first.job.created_count, first.job.updated_count, first.job.source, first.job.data_date) == (
        3,
        0,
        "vehicle",
        DAY,
    )


@pytest.mark.django_db
def test_newer_file_updates_records_by_person_and_item(bureau_reviewer):
    rows = vehicle_rows(1)
    department_import(
        actor=bureau_reviewer,
        source=Source.VEHICLE,
        data_date=DAY,
        file=xlsx_bytes(VEHICLE_HEADERS, rows),
        filename="a.xlsx",
    )
    rows[0][5] = "报废"
    outcome = department_import(
        actor=bureau_reviewer,
        source=Source.VEHICLE,
        data_date=DAY + datetime.timedelta(days=30),
        file=xlsx_bytes(VEHICLE_HEADERS, rows),
        filename="b.xlsx",
    )
    assert (outcome.job.created_count, outcome.job.updated_count) == (0, 1)
    assert DepartmentRecord.objects.get().active is False


@pytest.mark.django_db
def test_only_the_bureau_imports(caseworker_sunwu):
    with pytest.raises(NotAllowed):
        department_import(
            actor=caseworker_sunwu,
            source=Source.VEHICLE,
            data_date=DAY,
            file=xlsx_bytes(VEHICLE_HEADERS, vehicle_rows(1)),
            filename="v.xlsx",
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "headers", "row"),
    [
        (
            Source.HUKOU,
            ["身份证号", "姓名", "户号", "与户主关系", "户籍地址", "户籍状态"],
            ["户号1", "户主", "孙吴镇", "正常"],
        ),
        (
            Source.HOUSING,
            ["身份证号", "姓名", "不动产权证号", "坐落", "建筑面积", "房屋用途"],
            ["黑(2020)孙吴县不动产权第0001号", "一组", 62.5, "住宅"],
        ),
        (Source.MACHINERY, ["身份证号", "姓名", "机具名称", "号牌或编号", "购置价格"], ["拖拉机", "黑27-12345", 38000]),
        (
            Source.EMPLOYMENT,
            ["身份证号", "姓名", "单位名称", "月缴费工资", "参保状态"],
            ["孙吴县某公司", 3200, "参保缴费"],
        ),
        (
            Source.BUSINESS,
            ["身份证号", "姓名", "市场主体名称", "统一社会信用代码", "登记状态", "经营范围"],
            ["小卖部", "92231124MA1234567X", "存续", "零售"],
        ),
    ],
)
def test_every_documented_format_imports(bureau_reviewer, source, headers, row):
    data = xlsx_bytes(headers, [[new_id_number(), "王五", *row]])
    outcome = department_import(actor=bureau_reviewer, source=source, data_date=DAY, file=data, filename="f.xlsx")
    assert outcome.job.created_count == 1


@pytest.mark.django_db
def test_management_command_imports_and_fails_with_row_errors(tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(VEHICLE_HEADERS, vehicle_rows(2)))
    call_command("import_department_data", "vehicle", str(good), "--date", "2026-10-01")
    assert "2" in capsys.readouterr().out
    assert DepartmentRecord.objects.count() == 2

    bad_rows = vehicle_rows(1)
    bad_rows[0][0] = 231124198001010011
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes(VEHICLE_HEADERS, bad_rows, text_id=False))
    with pytest.raises(SystemExit) as exc:
        call_command("import_department_data", "vehicle", str(bad), "--date", "2026-10-01")
    assert exc.value.code == 1
    assert "row 3, column 身份证号:" in capsys.readouterr().err
    assert DepartmentRecord.objects.count() == 2


def test_reader_reads_the_first_visible_sheet_not_a_hidden_one():
    workbook = Workbook()
    hidden = workbook.active
    hidden.append(["身份证号"])
    hidden.append(["hidden"])
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("数据")
    visible.append(["身份证号"])
    visible.append(["shown"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_xlsx(buffer.getvalue(), columns=[Column("身份证号", "id")], header="身份证号")
    assert [r.values["id"] for r in result.rows] == ["shown"]


# --- a file's declared size is not its size ----------------------------------------------------


@pytest.mark.django_db
def test_a_vehicle_file_declaring_one_row_of_its_five_imports_all_five(bureau_reviewer):
    data = with_dimension(xlsx_bytes(VEHICLE_HEADERS, vehicle_rows(5), title=None), "A1:F2")
    outcome = department_import(
        actor=bureau_reviewer, source=Source.VEHICLE, data_date=DAY, file=data, filename="v.xlsx"
    )
    assert outcome.job.rows == 5
    assert DepartmentRecord.objects.count() == 5


@pytest.mark.django_db
def test_a_bad_row_beyond_the_declared_end_still_fails_the_file(bureau_reviewer):
    rows = vehicle_rows(5)
    rows[4][0] = "231124198001010012"  # wrong check digit, on row 6 (the file claims to end at row 2)
    data = with_dimension(xlsx_bytes(VEHICLE_HEADERS, rows, title=None), "A1:F2")
    with pytest.raises(ImportFailed) as exc:
        department_import(actor=bureau_reviewer, source=Source.VEHICLE, data_date=DAY, file=data, filename="v.xlsx")
    assert [str(e).split(":")[0] for e in exc.value.errors] == ["row 6, column 身份证号"]
    assert not DepartmentRecord.objects.exists()


def test_reader_reads_rows_after_a_long_run_of_empty_rows():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["身份证号"])
    sheet.append(["a"])
    sheet.cell(row=5000, column=1).value = "b"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_xlsx(buffer.getvalue(), columns=[Column("身份证号", "id")], header="身份证号")
    assert [(r.number, r.values["id"]) for r in result.rows] == [(2, "a"), (5000, "b")]


# --- text is never cut, and never carries control or bidi characters ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        (1, "王" * 65, "department.too_long"),  # 姓名: the record keeps at most 64
        (2, "黑N" + "1" * 99, "department.too_long"),  # 号牌号码: the item key keeps at most 100
        (3, "小型轿车" * 50, "department.too_long"),  # 车辆类型 (with the plate, the item's label: 200)
        (1, "王五\u202e", "xlsx.forbidden_character"),
        (1, "王\u200b五", "xlsx.forbidden_character"),
    ],
)
def test_too_long_or_invisible_text_is_a_row_error_and_nothing_is_written(bureau_reviewer, column, value, code):
    rows = vehicle_rows(3)
    rows[1][column] = value
    with pytest.raises(ImportFailed) as exc:
        department_import(
            actor=bureau_reviewer,
            source=Source.VEHICLE,
            data_date=DAY,
            file=xlsx_bytes(VEHICLE_HEADERS, rows),
            filename="v.xlsx",
        )
    assert [(e.row, e.column, e.code) for e in exc.value.errors] == [(4, VEHICLE_HEADERS[column], code)]
    assert not DepartmentRecord.objects.exists()


@pytest.mark.django_db
def test_a_name_of_exactly_64_characters_is_kept_whole(bureau_reviewer):
    rows = vehicle_rows(1)
    rows[0][1] = "王" * 64
    department_import(
        actor=bureau_reviewer,
        source=Source.VEHICLE,
        data_date=DAY,
        file=xlsx_bytes(VEHICLE_HEADERS, rows),
        filename="v",
    )
    assert DepartmentRecord.objects.get().name == "王" * 64


@pytest.mark.django_db
def test_the_command_reports_a_sheet_broken_part_way_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(with_broken_xml_after_row(xlsx_bytes(VEHICLE_HEADERS, vehicle_rows(3)), 3))
    with pytest.raises(SystemExit) as exc:
        call_command("import_department_data", "vehicle", str(path), "--date", "2026-10-01")
    assert exc.value.code == 1
    assert "damaged after row 3" in capsys.readouterr().err
    assert not DepartmentRecord.objects.exists()

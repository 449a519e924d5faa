"""The registered-poor ledger import (docs/interfaces.md §3 import_ledger, §6): all or nothing, every error
with its row and column, upsert by ID number, replace, and the hostile files of docs/security.md."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from households.ids import check_code
from households.ledger import ledger_import_rows, ledger_import_xlsx
from households.models import LedgerRecord, PovertyAttribute, PovertyStatus, Village
from households.services import ledger_import as ledger
from sunwu_relief.authz import system
from sunwu_relief.models import AuditEvent, Job
from tests.conftest import new_id_number
from tests.ledger_builders import ORDER, ledger_row, ledger_xlsx, zip_bomb
from tests.xlsx_builders import padded_bomb, with_dimension

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "ledger-sample.xlsx"  # the poverty office's example
ID = "身份证号"
CHECKSUM = "The ID number's check digit is wrong."


@pytest.fixture(autouse=True)
def english():
    """Messages compared in English (the msgids); the UI's Chinese is the translators' business."""
    with translation.override("en"):
        yield


def write(tmp_path: Path, data: bytes, name: str = "ledger.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run_command(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ledger", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing_command(path: Path, *args: str) -> list[str]:
    """Run the command expecting exit 1; return the error lines it printed."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_ledger", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue().strip().splitlines()


@pytest.fixture
def sample_fixed(tmp_path) -> Path:
    """The sample with every check digit recomputed (the published copy is already right: this
    keeps the tests independent of which edition of it is in the repository)."""
    workbook = load_workbook(SAMPLE)
    for row in workbook.active.iter_rows(min_row=4):
        row[2].value = row[2].value[:17] + check_code(row[2].value[:17])
    path = tmp_path / "sample-fixed.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def sample_bad_check_digits(tmp_path) -> Path:
    """The sample with every check digit made wrong."""
    workbook = load_workbook(SAMPLE)
    for row in workbook.active.iter_rows(min_row=4):
        right = check_code(row[2].value[:17])
        row[2].value = row[2].value[:17] + ("0" if right != "0" else "1")
    path = tmp_path / "sample-bad.xlsx"
    workbook.save(path)
    return path


# --- the sample and the shape of the file ----------------------------------------------------


def test_sample_as_published_imports(db):
    out, _err = run_command(SAMPLE)
    assert "36 rows: 36 created" in out
    assert LedgerRecord.objects.count() == 36


def test_sample_with_wrong_check_digits_fails_with_every_row_and_nothing_written(db, sample_bad_check_digits):
    lines = failing_command(sample_bad_check_digits)
    assert len(lines) == 36
    assert lines[0] == f"row 4, column 身份证号: {CHECKSUM}"
    assert not LedgerRecord.objects.exists()


def test_sample_imports_below_its_title_rows(db, sample_fixed):
    out, _err = run_command(sample_fixed)
    assert "36 rows: 36 created, 0 updated, 0 unchanged, 0 removed" in out
    record = LedgerRecord.objects.get(name="闫英福")
    assert record.poverty_attribute == PovertyAttribute.TEKUN
    assert record.poverty_status == PovertyStatus.OUT
    assert record.exit_year == 2016
    assert record.township.name == "卧牛河乡"
    assert record.village.name == "新岭村"
    assert record.household_number == "23112400000003"
    assert record.household_size == 1
    assert record.source_row == 10


def test_command_keeps_a_job_record_of_the_import(db, sample_fixed):
    run_command(sample_fixed)
    job = Job.objects.get(kind="ledger_import")
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts == {"created": 36, "updated": 0, "unchanged": 0, "removed": 0}
    assert job.rows_total == job.rows_done == 36


def test_columns_found_by_header_text_in_any_order_with_unknown_columns_ignored(db):
    rows = [ledger_row(), ledger_row(name="尹秀杰", relationship="配偶")]
    keys = list(reversed(ORDER))
    data = ledger_xlsx(rows, keys=keys, headers={"id_number": "\u3000身份证号 ", "name": "姓　名"}, extra_header="备注")
    # "姓　名" has an ideographic space *inside*: it is not 姓名, so the column is unknown → missing.
    with pytest.raises(AssertionError):
        assert ledger_import_xlsx(data, actor=system("test")).succeeded
    data = ledger_xlsx(rows, keys=keys, headers={"id_number": "\u3000身份证号 ", "name": "姓名"}, extra_header="备注")
    result = ledger_import_xlsx(data, actor=system("test"))
    assert result.succeeded, result.errors
    assert result.created == 2


def test_full_width_letters_in_a_header_are_folded(db):
    data = ledger_xlsx([ledger_row()], headers={"household_number": "户编号"})
    assert ledger_import_xlsx(data, actor=system("test")).succeeded


def test_hidden_rows_are_data(db):
    rows = [ledger_row(), ledger_row(name="尹秀杰", relationship="配偶")]
    workbook = load_workbook(io.BytesIO(ledger_xlsx(rows)))
    workbook.active.row_dimensions[5].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert ledger_import_xlsx(buffer.getvalue(), actor=system("test")).created == 2


def test_a_village_new_to_the_registry_is_added_unconfirmed_and_kept_by_the_record(db, township_sunwu):
    row = ledger_row(village="<img src=x onerror=alert(1)>")
    result = ledger_import_rows([row], actor=system("test"))
    assert result.succeeded
    village = Village.objects.get(township=township_sunwu, name="<img src=x onerror=alert(1)>")
    assert village.confirmed is False
    assert LedgerRecord.objects.get(id_number=row["id_number"]).village == village
    assert AuditEvent.objects.filter(action="village.create_from_ledger", object_id=str(village.pk)).exists()


def test_a_village_already_in_the_registry_stays_as_it_is(db, township_sunwu):
    known = Village.objects.filter(township=township_sunwu, confirmed=True).first()
    ledger_import_rows([ledger_row(village=known.name)], actor=system("test"))
    known.refresh_from_db()
    assert known.confirmed is True


@pytest.mark.parametrize("village", ["新建村\u202e", "新\u200b建村", "新建\x07村"])
def test_a_village_with_control_or_bidi_characters_is_a_row_error_and_no_village_is_made(db, village):
    villages = Village.objects.count()
    result = ledger_import_rows([ledger_row(), ledger_row(village=village)], actor=system("test"))
    assert not result.succeeded
    assert [(e.row, e.column) for e in result.errors] == [(2, "village")]
    assert Village.objects.count() == villages


# --- every way a file can be wrong: exit 1, each error with row and column, nothing written ----


def assert_nothing_written(villages_before: int) -> None:
    assert not LedgerRecord.objects.exists()
    assert Village.objects.count() == villages_before


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"id_number": "231124196210057061"}, ID, "check digit"),
        ({"id_number": "23112419621005706"}, ID, "18"),
        ({"name": None}, "姓名", "required"),
        ({"household_number": None}, "户编号", "required"),
        ({"relationship": "表哥"}, "与户主关系", "unknown value “表哥”"),
        ({"poverty_attribute": "贫困户"}, "贫困户属性", "unknown value"),
        ({"poverty_status": "脱贫"}, "脱贫状态", "unknown value"),
        ({"poverty_cause": "懒"}, "主要致贫原因", "unknown value"),
        ({"labour_capacity": "强"}, "劳动能力", "unknown value"),
        ({"health": "一般"}, "健康状况", "unknown value"),
        ({"township": "黑河市"}, "乡镇", "not a township of the county"),
        ({"household_size": 0}, "家庭人口数", "whole number from 1"),
        ({"household_size": "三"}, "家庭人口数", "whole number from 1"),
        ({"poverty_status": "已脱贫", "exit_year": None}, "脱贫年度", "required when the status is 已脱贫"),
        ({"poverty_status": "已脱贫", "exit_year": 1990}, "脱贫年度", "whole number from 2013"),
        ({"exit_year": 2016}, "脱贫年度", "status is 未脱贫"),
        ({"name": "王\u200b五"}, "姓名", "invisible or control characters"),
    ],
)
def test_an_invalid_value_fails_the_import_with_its_row_and_column(db, tmp_path, overrides, column, fragment):
    villages = Village.objects.count()
    rows = [ledger_row(), ledger_row(**overrides), ledger_row()]
    lines = failing_command(write(tmp_path, ledger_xlsx(rows)))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"row 5, column {column}: "), lines
    assert fragment in lines[0]
    assert_nothing_written(villages)


def test_an_id_number_typed_as_a_number_is_an_error(db, tmp_path):
    number = new_id_number()
    data = ledger_xlsx([ledger_row(id_number=int(number[:17]) * 10)])
    lines = failing_command(write(tmp_path, data))
    assert lines == [
        "row 4, column 身份证号: the cell is a number, not text; Excel may have changed the digits — "
        "format the column as text and type it again"
    ]
    assert not LedgerRecord.objects.exists()


def test_the_same_id_number_twice_is_an_error_naming_both_rows(db, tmp_path):
    twice = new_id_number()
    rows = [ledger_row(id_number=twice), ledger_row(), ledger_row(id_number=twice, name="崔凤")]
    lines = failing_command(write(tmp_path, ledger_xlsx(rows)))
    assert lines == ["row 6, column 身份证号: the same ID number appears again (first in row 4)"]
    assert not LedgerRecord.objects.exists()


def test_the_same_id_number_twice_is_found_across_batches(db, monkeypatch):
    monkeypatch.setattr(ledger, "BATCH_SIZE", 2)
    twice = new_id_number()
    rows = [ledger_row(id_number=twice), ledger_row(), ledger_row(), ledger_row(), ledger_row(id_number=twice)]
    result = ledger_import_rows(rows, actor=system("test"))
    assert not result.succeeded
    assert [str(e) for e in result.errors] == [
        "row 5, column id_number: the same ID number appears again (first in row 1)"
    ]
    assert not LedgerRecord.objects.exists()


def test_every_error_of_every_row_is_reported(db, tmp_path):
    rows = [
        ledger_row(id_number="231124196210057061", relationship="表哥"),
        ledger_row(),
        ledger_row(township="黑河市", poverty_status=None),
    ]
    lines = failing_command(write(tmp_path, ledger_xlsx(rows)))
    assert lines[:2] == [
        f"row 4, column 身份证号: {CHECKSUM}",
        "row 4, column 与户主关系: unknown value “表哥”; expected one of: 户主、配偶、之子、之女、之儿媳、之女婿、之孙子、之孙女、之父、之母、之兄弟姐妹、其他",
    ]
    assert lines[2].startswith("row 6, column 乡镇: “黑河市” is not a township")
    assert lines[3] == "row 6, column 脱贫状态: a value is required"
    assert len(lines) == 4


def test_a_missing_required_column_is_an_error_of_the_header_row(db, tmp_path):
    keys = [key for key in ORDER if key != "poverty_status"]
    lines = failing_command(write(tmp_path, ledger_xlsx([ledger_row()], keys=keys)))
    assert lines == ["row 3, column 脱贫状态: this required column is missing"]


def test_no_header_row_is_an_error(db, tmp_path):
    workbook = Workbook()
    workbook.active.append(["姓名", "户编号"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    lines = failing_command(write(tmp_path, buffer.getvalue()))
    assert lines == ["No header row with a cell “身份证号” was found."]


def test_a_ledger_without_data_rows_is_an_error(db, tmp_path):
    lines = failing_command(write(tmp_path, ledger_xlsx([])), "--replace")
    assert lines == ["The ledger has no data rows; nothing was imported."]


def test_a_formula_in_a_cell_is_an_error(db, tmp_path):
    rows = [ledger_row(name='=HYPERLINK("http://evil.example","点击")'), ledger_row()]
    lines = failing_command(write(tmp_path, ledger_xlsx(rows)))
    assert lines == ["row 4, column 姓名: formulas are not accepted; enter the value"]
    assert not LedgerRecord.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        ("户编号,姓名,身份证号\n1,王五,231124196210057062\n".encode(), "This file is not an Excel .xlsx file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "This is an old Excel (.xls) file"),
        (None, "The file is damaged or incomplete"),  # a truncated xlsx
        (b"PK\x03\x04 not really a zip", "The file is damaged or incomplete"),
    ],
    ids=["empty", "csv-renamed", "xls", "truncated", "fake-zip"],
)
def test_a_file_that_is_not_an_xlsx_fails_with_a_clear_error(db, tmp_path, data, message):
    if data is None:
        data = ledger_xlsx([ledger_row()])[:700]
    lines = failing_command(write(tmp_path, data))
    assert len(lines) == 1
    assert lines[0].startswith(message)
    assert not LedgerRecord.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(db, tmp_path):
    lines = failing_command(write(tmp_path, zip_bomb()))
    assert lines == ["The file expands to far more data than a sheet holds (a zip bomb?); it was not read."]


def test_macros_are_refused(db, tmp_path):
    data = io.BytesIO()
    import zipfile

    original = ledger_xlsx([ledger_row()])
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\0" * 100)
    lines = failing_command(write(tmp_path, data.getvalue(), "ledger.xlsm"))
    assert lines == ["The file contains macros; save it as a plain .xlsx without macros."]


def test_a_missing_file_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_ledger", str(tmp_path / "nope.xlsx"))


def test_a_failed_import_is_audited_as_failed(db):
    ledger_import_rows([ledger_row(relationship="x")], actor=system("test"))
    event = AuditEvent.objects.get(action="ledger.import")
    assert event.success is False
    assert event.detail["errors"] == 1


# --- upsert, replace, dry run ------------------------------------------------------------------


def test_rows_are_upserted_by_id_number(db):
    first, second, third = (
        ledger_row(),
        ledger_row(name="尹秀杰", relationship="配偶"),
        ledger_row(name="崔凤", relationship="之子"),
    )
    assert ledger_import_rows([first, second, third], actor=system("test")).counts == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "removed": 0,
    }
    changed = {**second, "poverty_status": "已脱贫", "exit_year": 2019}
    fourth = ledger_row(name="崔刚", relationship="之女")
    result = ledger_import_rows([first, changed, fourth], actor=system("test"))
    assert result.counts == {"created": 1, "updated": 1, "unchanged": 1, "removed": 0}
    assert LedgerRecord.objects.count() == 4
    assert LedgerRecord.objects.get(id_number=second["id_number"]).exit_year == 2019
    assert not LedgerRecord.objects.filter(removed=True).exists()  # without replace nobody is removed


def test_replace_marks_registrations_absent_from_the_ledger_removed(db):
    kept, dropped = ledger_row(), ledger_row(name="尹秀杰", relationship="配偶")
    ledger_import_rows([kept, dropped], actor=system("test"))
    result = ledger_import_rows([kept], actor=system("test"), replace=True)
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 1, "removed": 1}
    record = LedgerRecord.objects.get(id_number=dropped["id_number"])
    assert record.removed
    assert record.removed_at is not None
    # Back in a later ledger: registered again.
    assert ledger_import_rows([kept, dropped], actor=system("test"), replace=True).counts["updated"] == 1
    assert not LedgerRecord.objects.get(id_number=dropped["id_number"]).removed


def test_replace_with_an_invalid_file_removes_nobody(db):
    kept = ledger_row()
    ledger_import_rows([kept, ledger_row()], actor=system("test"))
    result = ledger_import_rows([kept, ledger_row(relationship="?")], actor=system("test"), replace=True)
    assert not result.succeeded
    assert not LedgerRecord.objects.filter(removed=True).exists()


def test_dry_run_counts_and_writes_nothing(db, tmp_path, sample_fixed):
    out, _err = run_command(sample_fixed, "--dry-run", "--replace")
    assert out.startswith("Dry run, nothing written. 36 rows: 36 created")
    assert not LedgerRecord.objects.exists()
    assert not Job.objects.exists()


def test_json_rows_report_errors_by_key_and_position(db):
    result = ledger_import_rows([ledger_row(), {"name": "王五"}, "not an object"], actor=system("test"))
    assert not result.succeeded
    messages = [str(e) for e in result.errors]
    assert "row 2, column household_number: a value is required" in messages
    assert "row 2, column id_number: a value is required" in messages
    assert messages[-1] == "row 3, column None: each row must be an object of column values"


@pytest.mark.parametrize(
    "value",
    [231124196210057062, 2.31124196210057e17, True, ["231124196210057062"], {"a": 1}, float("nan")],
    ids=["int", "float", "bool", "list", "object", "nan"],
)
def test_json_id_numbers_must_be_text(db, value):
    result = ledger_import_rows([ledger_row(id_number=value)], actor=system("test"))
    assert not result.succeeded
    assert result.errors[0].column == "id_number"


def test_names_with_middle_dots_and_rare_characters_are_kept(db):
    rows = [ledger_row(name="阿依古丽·买买提"), ledger_row(name="𠮷田", relationship="之子")]
    assert ledger_import_rows(rows, actor=system("test")).succeeded
    assert set(LedgerRecord.objects.values_list("name", flat=True)) == {"阿依古丽·买买提", "𠮷田"}


def test_the_old_name_wubao_is_read_as_tekun(db):
    ledger_import_rows([ledger_row(poverty_attribute="五保贫困户")], actor=system("test"))
    assert LedgerRecord.objects.get().poverty_attribute == PovertyAttribute.TEKUN


def test_errors_beyond_the_listing_limit_are_counted(db, monkeypatch):
    monkeypatch.setattr(ledger, "MAX_ERRORS", 2)
    result = ledger_import_rows([ledger_row(relationship="?") for _ in range(5)], actor=system("test"))
    assert len(result.errors) == 2
    assert result.errors_not_listed == 3
    assert result.error_dicts()[-1]["message"].startswith("3 further errors")


def test_the_same_id_twice_is_found_when_the_first_is_an_unchanged_record(db):
    first = ledger_row()
    ledger_import_rows([first, ledger_row()], actor=system("test"))
    result = ledger_import_rows([first, ledger_row(), dict(first)], actor=system("test"))
    assert [str(e) for e in result.errors] == [
        "row 3, column id_number: the same ID number appears again (first in row 1)"
    ]
    assert LedgerRecord.objects.count() == 2


def test_progress_is_reported_while_importing(db, monkeypatch):
    monkeypatch.setattr(ledger, "PROGRESS_EVERY", 2)
    seen = []
    ledger_import_rows([ledger_row() for _ in range(5)], actor=system("test"), progress=seen.append)
    assert seen == [2, 4, 5]


def test_imports_left_pending_are_queued_again_and_run_once(db, poverty_office):
    import datetime

    from django.utils import timezone

    from households.ledger import ledger_import_submit, ledger_imports_requeue_stuck

    job = ledger_import_submit(actor=poverty_office, rows=[ledger_row()])  # on-commit never ran: lost
    assert ledger_imports_requeue_stuck() == []  # too recent to call stuck
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - datetime.timedelta(hours=1))
    assert ledger_imports_requeue_stuck() == [job.pk]  # eager: it runs now
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert ledger_imports_requeue_stuck() == []
    assert LedgerRecord.objects.count() == 1


# --- a file's declared size is not its size ----------------------------------------------------


def test_a_ledger_declaring_fewer_rows_than_it_has_is_read_to_its_end_and_replace_removes_nobody(db, tmp_path):
    rows = [ledger_row(name=name) for name in ("崔敏", "尹秀杰", "崔凤", "崔刚", "王芳", "李强")]
    others = [ledger_row(name="赵四") for _ in range(3)]
    ledger_import_rows([*rows, *others], actor=system("test"))
    # Header on row 1, six people on rows 2–7; the sheet claims to end at row 3 (Excel ignores that).
    data = with_dimension(ledger_xlsx(rows, title=False), "A1:M3")
    out, _err = run_command(write(tmp_path, data), "--replace")
    assert "6 rows: 0 created, 0 updated, 6 unchanged, 3 removed" in out
    assert set(LedgerRecord.objects.filter(removed=False).values_list("name", flat=True)) == {r["name"] for r in rows}


def test_a_ledger_declaring_fewer_columns_than_it_has_is_read_whole(db):
    data = with_dimension(ledger_xlsx([ledger_row(health="残疾")], title=False), "A1:C2")
    result = ledger_import_xlsx(data, actor=system("test"))
    assert result.succeeded, result.errors
    assert LedgerRecord.objects.get().health == "disabled"


# --- hostile cells and archives ------------------------------------------------------------------


def test_a_name_longer_than_a_cell_may_hold_is_a_row_error(db, tmp_path, settings):
    settings.SUNWU_XLSX_MAX_CELL_CHARS = 100
    lines = failing_command(write(tmp_path, ledger_xlsx([ledger_row(), ledger_row(name="崔" * 101)])))
    assert lines == ["row 5, column 姓名: is too long (at most 100 characters)"]


def test_one_huge_cell_is_refused_as_it_streams_with_its_row_and_column(db, tmp_path, settings):
    settings.SUNWU_XLSX_MAX_CELL_CHARS = 100
    headers = [ledger.HEADERS[key] for key in ORDER]
    data = padded_bomb(inflated_mib=8, padding_mib=1, cell_text=True, headers=headers, rows_before=400)
    lines = failing_command(write(tmp_path, data))
    assert lines[-1] == "row 402, column 姓名: is too long (at most 100 characters); the file was not read"
    assert not LedgerRecord.objects.exists()


def test_a_padded_bomb_is_refused_by_its_members_ratio(db, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (64 * 1024 * 1024))
        archive.writestr(zipfile.ZipInfo("xl/media/padding.bin"), os.urandom(2 * 1024 * 1024))  # stored
    lines = failing_command(write(tmp_path, buffer.getvalue()))
    assert lines == ["The file expands to far more data than a sheet holds (a zip bomb?); it was not read."]


def test_an_unchanged_re_import_writes_no_record_and_its_queries_do_not_grow_with_the_rows(db):
    """An unchanged row costs no write: a re-import of an unchanged ledger only reads (one read a
    batch), whether with replace or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def reimport(rows: list[dict]) -> list[dict]:
        ledger_import_rows(rows, actor=system("test"))
        with CaptureQueriesContext(connection) as queries:
            result = ledger_import_rows(rows, actor=system("test"), replace=True)
        assert result.counts == {"created": 0, "updated": 0, "unchanged": len(rows), "removed": 0}
        return queries.captured_queries

    rows = [ledger_row() for _ in range(2)]
    few = reimport(rows)
    many = reimport([*rows, *(ledger_row() for _ in range(7))])
    writes = [q["sql"] for q in many if q["sql"].startswith(("UPDATE", "INSERT")) and "ledgerrecord" in q["sql"]]
    assert writes == []
    assert len(many) == len(few)

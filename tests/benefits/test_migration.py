"""Taking over a legacy Excel roll: all-or-nothing, marked migrated, re-verification due at once."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from benefits.migration import roll_import
from benefits.models import Benefit
from benefits.roll import HEADERS
from sunwu_relief.errors import NotAllowed
from tests.xlsx_builders import with_broken_xml_after_row, with_dimension

pytestmark = pytest.mark.django_db


def roll_file(path, rows, *, numeric_id=False):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["孙吴县低保保障金发放台帐"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    if numeric_id:
        sheet.cell(row=3, column=4).value = int(rows[0][3][:15])
    workbook.save(path)
    return path


def _row(household, *, amount="660", covered=2, classification="一般", month="2025-03"):
    head = household.members.get(relationship="head")
    return [
        household.township.name,
        household.village.name,
        head.name,
        head.id_number,
        covered,
        classification,
        amount,
        month,
        "",
    ]


def test_import_creates_migrated_benefits_due_for_review_today(household_sunwu, bureau_reviewer, tmp_path):
    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu)])
    result = roll_import(actor=bureau_reviewer, source=path, programme="dibao", source_name="roll.xlsx")
    assert result.ok
    assert result.created == 1
    benefit = Benefit.objects.get(household=household_sunwu)
    assert benefit.migrated is True
    assert "roll.xlsx" in benefit.migration_source
    assert bureau_reviewer.username in benefit.migration_source
    assert benefit.next_review_due == timezone.localdate()
    assert benefit.monthly_amount == Decimal("660")
    assert benefit.start_month.isoformat() == "2025-03-01"


def test_one_bad_row_writes_nothing_and_every_error_is_listed(
    household_sunwu, household_chenqing, bureau_reviewer, tmp_path
):
    good = _row(household_sunwu)
    bad = _row(household_chenqing, amount="-5", classification="特别", month="2025-13")
    bad[0] = "不存在乡"
    path = roll_file(tmp_path / "roll.xlsx", [good, bad])
    result = roll_import(actor=bureau_reviewer, source=path, programme="dibao", source_name="roll.xlsx")
    assert not result.ok
    columns = {(e.row, e.column) for e in result.errors}
    assert {(4, "乡镇"), (4, "保障类别"), (4, "保障金额(元/月)"), (4, "起始年月")} <= columns
    assert Benefit.objects.count() == 0


def test_numeric_id_cell_is_rejected(household_sunwu, bureau_reviewer, tmp_path):
    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu)], numeric_id=True)
    result = roll_import(actor=bureau_reviewer, source=path, programme="dibao", source_name="roll.xlsx")
    assert [e.column for e in result.errors] == ["户主身份证号"]
    assert Benefit.objects.count() == 0


def test_importing_the_same_roll_twice_is_refused_the_second_time(household_sunwu, bureau_reviewer, tmp_path):
    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu)])
    assert roll_import(actor=bureau_reviewer, source=path, programme="dibao", source_name="roll.xlsx").ok
    again = roll_import(actor=bureau_reviewer, source=path, programme="dibao", source_name="roll.xlsx")
    assert not again.ok
    assert Benefit.objects.count() == 1


def test_only_the_bureau_imports(household_sunwu, caseworker_sunwu, tmp_path):
    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu)])
    with pytest.raises(NotAllowed):
        roll_import(actor=caseworker_sunwu, source=path, programme="dibao", source_name="roll.xlsx")


def test_command_exit_and_messages(household_sunwu, bureau_reviewer, tmp_path, capsys):
    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu, amount="abc")])
    with pytest.raises(CommandError):
        call_command("import_roll", str(path), programme="dibao", user=bureau_reviewer.username)
    assert "row 3, column 保障金额(元/月)" in capsys.readouterr().err
    call_command(
        "import_roll",
        str(roll_file(tmp_path / "ok.xlsx", [_row(household_sunwu)])),
        programme="dibao",
        user=bureau_reviewer.username,
    )
    assert Benefit.objects.filter(migrated=True).count() == 1


def test_a_roll_declaring_fewer_rows_than_it_has_is_read_to_its_end(
    household_sunwu, household_chenqing, bureau_reviewer, tmp_path
):
    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu), _row(household_chenqing)])
    path.write_bytes(with_dimension(path.read_bytes(), "A1:I3"))
    result = roll_import(actor=bureau_reviewer, source=path, programme="dibao", source_name="roll.xlsx")
    assert result.ok, result.errors
    assert result.created == 2


def test_a_roll_broken_part_way_is_a_clear_command_error_and_nothing_is_written(
    household_sunwu, household_chenqing, bureau_reviewer, tmp_path
):
    path = roll_file(tmp_path / "roll.xlsx", [_row(household_sunwu), _row(household_chenqing)])
    path.write_bytes(with_broken_xml_after_row(path.read_bytes(), 3))
    with pytest.raises(CommandError, match=r"3.*\(xlsx\.damaged\)"):
        call_command("import_roll", str(path), "--programme", "dibao", "--user", bureau_reviewer.username)
    assert not Benefit.objects.exists()


def test_a_bidi_character_in_the_roll_is_a_row_error(household_sunwu, bureau_reviewer, tmp_path):
    row = _row(household_sunwu)
    row[8] = "备注\u202e"
    path = roll_file(tmp_path / "roll.xlsx", [row])
    result = roll_import(actor=bureau_reviewer, source=path, programme="dibao", source_name="roll.xlsx")
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, "备注", "xlsx.forbidden_character")]
    assert not Benefit.objects.exists()

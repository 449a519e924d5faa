import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from benefits import services
from benefits.models import ApplicationStatus
from benefits.roll import HEADERS
from households.models import Member, Village
from tests.conftest import member_data

pytestmark = pytest.mark.django_db


def _read(path):
    sheet = openpyxl.load_workbook(path).active
    return [[cell for cell in row] for row in sheet.iter_rows()]


def test_export_roll_writes_header_rows_ids_as_text_and_totals(cases, tmp_path):
    application = cases.to(ApplicationStatus.APPROVED)
    benefit = application.benefit
    month = benefit.start_month.strftime("%Y-%m")
    out = tmp_path / "roll.xlsx"
    call_command("export_roll", programme="dibao", month=month, output=str(out))
    rows = _read(out)
    header_index = next(i for i, row in enumerate(rows) if row[0].value == "乡镇")
    assert [c.value for c in rows[header_index]] == HEADERS
    data = rows[header_index + 1]
    head = application.household.members.get(relationship="head")
    assert data[3].value == head.id_number
    assert data[3].data_type == "s"
    assert data[4].value == 2
    assert Decimal(str(data[6].value)) == benefit.monthly_amount
    assert data[7].value == month
    totals = rows[-1]
    assert totals[0].value == "合计"
    assert Decimal(str(totals[6].value)) == benefit.monthly_amount


def test_roll_of_a_month_before_the_start_is_empty_and_past_months_keep_old_amounts(cases, tmp_path):
    from benefits.roll import roll_rows

    application = cases.to(ApplicationStatus.APPROVED)
    benefit = application.benefit
    start = benefit.start_month
    before = (start - datetime.timedelta(days=1)).replace(day=1)
    assert roll_rows(programme="dibao", month=before) == []
    later = (start + datetime.timedelta(days=62)).replace(day=1)
    services.benefit_change(
        actor=cases.bureau,
        benefit=benefit,
        kind="stop",
        effective_month=later,
        reason_code="moved_or_deceased",
        reason="迁出",
    )
    assert [r.amount for r in roll_rows(programme="dibao", month=start)] == [Decimal("660")]
    assert roll_rows(programme="dibao", month=later) == []


def test_formula_like_names_are_written_as_text(cases, tmp_path, caseworker_sunwu):
    household = cases.household()
    from households.services import member_update

    head = household.members.get(relationship="head")
    data = member_data(name='=HYPERLINK("http://x","点我")', id_number=head.id_number, relationship="head")
    member_update(actor=caseworker_sunwu, member=head, data=data)
    application = cases.to(ApplicationStatus.APPROVED, application=cases.draft(household=household))
    out = tmp_path / "roll.xlsx"
    call_command(
        "export_roll", programme="dibao", month=application.benefit.start_month.strftime("%Y-%m"), output=str(out)
    )
    cell = next(row[2] for row in _read(out) if row[2].value and str(row[2].value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_export_roll_rejects_a_bad_month(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_roll", programme="dibao", month="2026-13", output=str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_a_control_character_already_stored_in_a_name_does_not_break_the_roll(cases, tmp_path):
    application = cases.to(ApplicationStatus.APPROVED)
    head = application.household.members.get(relationship="head")
    # Stored before the forms refused such characters (an update, as old data would be).
    Member.objects.filter(pk=head.pk).update(name="张\x01三\u202e")
    Village.objects.filter(pk=application.household.village_id).update(name="三屯\x0b村")
    out = tmp_path / "roll.xlsx"
    call_command(
        "export_roll", programme="dibao", month=application.benefit.start_month.strftime("%Y-%m"), output=str(out)
    )
    rows = _read(out)
    header_index = next(i for i, row in enumerate(rows) if row[0].value == "乡镇")
    data = rows[header_index + 1]
    assert data[1].value == "三屯村"
    assert data[2].value == "张三"


def test_the_exported_roll_is_the_roll_and_its_queries_do_not_grow_with_the_households(cases, tmp_path):
    """The export reads plain rows in a fixed number of queries, and writes what `roll_rows` says."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benefits.roll import roll_rows
    from sunwu_relief.authz import system

    def export() -> tuple[int, list]:
        month = cases.to(ApplicationStatus.APPROVED).benefit.start_month
        with CaptureQueriesContext(connection) as queries:
            rows = services.roll_export(
                actor=system("test"), programme="dibao", month=month, path=tmp_path / "roll.xlsx"
            )
        assert rows == roll_rows(programme="dibao", month=month)
        return len(queries), rows

    few, _rows = export()
    cases.to(ApplicationStatus.APPROVED)
    many, rows = export()
    assert len(rows) == 3
    assert many == few

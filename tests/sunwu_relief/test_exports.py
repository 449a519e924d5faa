"""List downloads: text cells (never formulas), numbers as numbers, audited, and in the access
log with every object when they show full ID numbers."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import RequestFactory

from households.models import Household
from sunwu_relief.exports import workbook_bytes, xlsx_download
from sunwu_relief.models import AccessLog, AuditEvent

pytestmark = pytest.mark.django_db


def _cells(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows()]


def test_text_is_never_a_formula_and_ids_stay_text():
    content = workbook_bytes(
        title="名单",
        headers=["姓名", "身份证号", "金额"],
        rows=[['=HYPERLINK("http://x")', "231124195001011234", Decimal("660.50")], ["+1", "0123", 3]],
    )
    rows = _cells(content)
    assert rows[0][0].value == "名单"
    assert [c.value for c in rows[1]] == ["姓名", "身份证号", "金额"]
    formula, id_number, amount = rows[2]
    assert formula.data_type == "s"
    assert formula.value == '=HYPERLINK("http://x")'
    assert id_number.data_type == "s"
    assert id_number.value == "231124195001011234"
    assert amount.data_type == "n"
    assert rows[3][1].value == "0123"


def test_control_and_bidi_characters_are_removed():
    rows = _cells(workbook_bytes(title="t", headers=["a"], rows=[["王\u202e五\x07"]]))
    assert rows[2][0].value == "王五"


def test_a_download_with_full_ids_is_in_the_access_log(make_household, caseworker_sunwu):
    household = make_household(caseworker_sunwu)
    request = RequestFactory().get("/households/?format=xlsx", REMOTE_ADDR="10.0.0.9")
    request.user = caseworker_sunwu
    response = xlsx_download(
        request,
        filename="households",
        title="户",
        headers=["户号"],
        rows=[[household.number]],
        objects=[household],
        list_name="households",
        full_id_numbers=True,
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    log = AccessLog.objects.get(channel="export")
    assert log.object_ids == [str(household.pk)]
    assert log.full_id_numbers is True
    event = AuditEvent.objects.get(action="export.download")
    assert event.detail["list"] == "households"
    assert event.detail["rows"] == 1


def test_a_masked_download_is_audited_and_in_the_access_log_as_masked(make_household, caseworker_sunwu):
    household = make_household(caseworker_sunwu)
    request = RequestFactory().get("/")
    request.user = caseworker_sunwu
    xlsx_download(
        request,
        filename="h",
        title="户",
        headers=["户号"],
        rows=[[household.number]],
        objects=[household],
        list_name="households",
    )
    log = AccessLog.objects.get(channel="export")
    assert log.object_ids == [str(household.pk)]
    assert (log.full_id_numbers, log.health_data) == (False, False)
    assert AuditEvent.objects.filter(action="export.download").count() == 1
    assert Household.objects.count() == 1


def test_an_empty_download_is_in_the_access_log_too(caseworker_sunwu):
    request = RequestFactory().get("/")
    request.user = caseworker_sunwu
    xlsx_download(request, filename="h", title="户", headers=["户号"], rows=[], objects=[], list_name="households")
    log = AccessLog.objects.get(channel="export", user=caseworker_sunwu)
    assert log.object_ids == []

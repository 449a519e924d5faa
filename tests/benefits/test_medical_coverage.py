"""What the county sends the medical insurance office: the coverage periods (export and API) and
the year's contribution subsidy list 资助参保."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from benefits.decisions import benefit_change
from benefits.medical.selectors import contribution_subsidies, coverage_periods
from benefits.models import Standard
from tests.benefits.programme_builders import benefit_from_roll

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def covered(household_sunwu, make_household, caseworker_sunwu, bureau_reviewer, clock):
    """A 低保 household from February 2026, stopped from April; a 特困 person from January."""
    dibao = benefit_from_roll(household_sunwu, actor=bureau_reviewer, programme="dibao", month="2026-02")
    clock.move_to(datetime.date(2026, 3, 15))
    benefit_change(
        actor=bureau_reviewer,
        benefit=dibao,
        kind="stop",
        effective_month=datetime.date(2026, 4, 1),
        reason_code="circumstances_changed",
        reason="收入增加",
    )
    household = make_household(caseworker_sunwu)
    benefit_from_roll(household, actor=bureau_reviewer, programme="tekun", month="2026-01")
    return household_sunwu.members.get(relationship="head"), household.members.get(relationship="head")


def test_coverage_periods_run_from_the_first_to_the_last_covered_day(covered):
    dibao_head, tekun_head = covered
    periods = {(p.member.pk, p.programme): (p.starts_on, p.ends_on) for p in coverage_periods()}
    assert periods[(dibao_head.pk, "dibao")] == (datetime.date(2026, 2, 1), datetime.date(2026, 3, 31))
    assert periods[(tekun_head.pk, "tekun")] == (datetime.date(2026, 1, 1), None)
    assert (dibao_head.pk, "dibao") not in {
        (p.member.pk, p.programme) for p in coverage_periods(since=datetime.date(2026, 4, 1))
    }


def test_the_coverage_export_and_the_api(covered, bureau_reviewer, caseworker_sunwu, tmp_path):
    dibao_head, tekun_head = covered
    path = tmp_path / "coverage.xlsx"
    call_command("export_medical_coverage", "--output", str(path))
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]
    assert rows[1][:6] == ["序号", "乡镇", "行政村", "姓名", "身份证号", "救助类别"]
    assert [dibao_head.id_number, "低保", "2026-02-01", "2026-03-31"] in [r[4:8] for r in rows[2:]]
    assert [tekun_head.id_number, "特困", "2026-01-01", ""] in [[*r[4:7], r[7] or ""] for r in rows[2:]]

    client = APIClient()
    client.force_authenticate(bureau_reviewer)
    body = client.get("/api/v1/medical-coverage/", {"since": "2026-04-01"}).json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "id_number": tekun_head.id_number,
        "name": tekun_head.name,
        "household": tekun_head.household_id,
        "programme": "tekun",
        "starts_on": "2026-01-01",
        "ends_on": None,
    }
    assert client.get("/api/v1/medical-coverage/", {"since": "April"}).status_code == 400
    client.force_authenticate(caseworker_sunwu)
    assert client.get("/api/v1/medical-coverage/").status_code == 403


def test_the_contribution_subsidy_pays_tekun_in_full_and_dibao_a_fixed_amount(covered, tmp_path):
    dibao_head, tekun_head = covered
    Standard.objects.filter(programme="medical", year=2026).update(
        medical_contribution=D("400"), medical_contribution_dibao=D("150")
    )
    amounts = {row.member.pk: (row.programme, row.amount) for row in contribution_subsidies(year=2026)}
    assert amounts[tekun_head.pk] == ("tekun", D("400"))
    assert amounts[dibao_head.pk] == ("dibao", D("150"))  # covered February–March of the year
    assert contribution_subsidies(year=2025) == []
    path = tmp_path / "subsidy.xlsx"
    call_command("export_contribution_subsidy", "--year", "2026", "--output", str(path))
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows()]
    assert rows[-1][0] == "合计"
    assert rows[-1][6] == 400 + 150 * 2  # the 特困 person and the 低保 household's two members

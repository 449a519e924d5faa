"""The monthly statistics report (docs/interfaces.md §12): per township and programme, from the
decisions in force in the month, the same on the page, in the xlsx, the command and the API."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from benefits import services
from benefits.models import Benefit, Programme
from benefits.statistics.selectors import FIGURES, monthly_report
from benefits.statistics.xlsx import HEADERS, TOTAL_LABEL
from benefits.temporary.services import TemporaryData, temporary_case_create, temporary_township_approve
from households.models import Township
from sunwu_relief import clock as system_clock
from sunwu_relief.models import AuditEvent
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data

pytestmark = pytest.mark.django_db
D = Decimal
JAN, FEB, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)
PAYING = {"active", "phasing_out"}


@pytest.fixture
def county(make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer, clock):
    """Three 低保 households and one 特困 person since January, in two townships; from March one
    household is paid less (a manual decision taken in March)."""
    family = [member_data(name="王小花", relationship="spouse")]
    sunwu_a = make_household(caseworker_sunwu, members=family)
    sunwu_b = make_household(caseworker_sunwu, head=member_data(name="李四", relationship="head"))
    chenqing = make_household(caseworker_chenqing, head=member_data(name="赵五", relationship="head"))
    alone = make_household(caseworker_sunwu, head=member_data(name="孙六", relationship="head"))
    lowered = benefit_from_roll(sunwu_a, actor=bureau_reviewer, month="2026-01")
    benefit_from_roll(sunwu_b, actor=bureau_reviewer, month="2026-01")
    benefit_from_roll(chenqing, actor=bureau_reviewer, month="2026-01")
    benefit_from_roll(alone, actor=bureau_reviewer, programme="tekun", month="2026-01")
    clock.move_to(datetime.date(2026, 3, 5))
    services.benefit_change(
        actor=bureau_reviewer,
        benefit=lowered,
        kind="lower",
        effective_month=MAR,
        reason_code="other",
        reason="人工调整",
        manual_reason="special_hardship",
        new_amount=D("450"),
    )
    return {"lowered": lowered}


def expected(month: datetime.date, township: Township) -> dict[str, object]:
    """The report's figures computed straight from each benefit's decision in force."""
    figures = dict.fromkeys(FIGURES, 0)
    for name in ("dibao_amount", "tekun_amount", "temporary_amount", "medical_amount"):
        figures[name] = D("0")
    for benefit in Benefit.objects.filter(township_id=township.pk):
        decision = benefit.decision_in(month)
        if decision is None or decision.new_status not in PAYING:
            continue
        if benefit.programme == Programme.DIBAO:
            figures["dibao_households"] += 1
            figures["dibao_persons"] += benefit.covered_count
            figures["dibao_amount"] += decision.new_amount
            figures[
                {"key": "dibao_key", "long_term": "dibao_long_term"}.get(benefit.classification, "dibao_general")
            ] += 1
        else:
            figures["tekun_persons"] += benefit.covered_count
            figures["tekun_dispersed"] += benefit.covered_count
            figures["tekun_amount"] += decision.new_amount
    return figures


def sheet_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("month", [JAN, FEB, MAR])
def test_a_months_report_equals_the_sum_of_that_months_decisions_cell_by_cell(county, month, tmp_path):
    out = tmp_path / "stats.xlsx"
    call_command("export_statistics", month=f"{month:%Y-%m}", output=str(out))
    rows = sheet_rows(out.read_bytes())
    header = next(i for i, row in enumerate(rows) if row[0] == "乡镇")
    assert rows[header] == HEADERS
    body = rows[header + 1 :]
    townships = list(Township.objects.order_by("code"))
    assert [row[0] for row in body] == [t.name for t in townships] + [TOTAL_LABEL]
    total = dict.fromkeys(FIGURES, D("0"))
    for township, row in zip(townships, body, strict=False):
        want = expected(month, township)
        got = dict(zip(FIGURES, row[1:], strict=True))
        for name in FIGURES:
            assert D(str(got[name])) == D(str(want[name])), (township.name, name)
            total[name] += D(str(want[name]))
    assert [D(str(value)) for value in body[-1][1:]] == [total[name] for name in FIGURES]


def test_a_past_month_keeps_its_figures_after_a_later_decision(county):
    townships = list(Township.objects.all())
    feb = monthly_report(month=FEB, townships=townships).total
    mar = monthly_report(month=MAR, townships=townships).total
    # Roll builder: 600 a month each; the March decision lowers one household to 450.
    assert feb.dibao_households == mar.dibao_households == 3
    assert feb.dibao_amount == D("1800")
    assert mar.dibao_amount == D("1650")
    assert feb.tekun_persons == 1
    assert feb.tekun_dispersed == 1


def test_temporary_grants_count_in_the_month_they_were_decided(head_sunwu, caseworker_sunwu, reviewer_sunwu):
    case = temporary_case_create(
        actor=caseworker_sunwu,
        data=TemporaryData(
            kind="emergency",
            cause="accident",
            circumstances="房屋失火",
            amount=D("800"),
            emergency_grant=True,
            member=head_sunwu,
        ),
    )
    temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="先行救助")
    month = system_clock.current_month()
    report = monthly_report(month=month, townships=list(Township.objects.all()))
    assert report.total.temporary_count == 1
    assert report.total.temporary_amount == D("800")
    earlier = (month - datetime.timedelta(days=1)).replace(day=1)
    assert monthly_report(month=earlier, townships=list(Township.objects.all())).total.temporary_count == 0


@pytest.fixture
def head_sunwu(household_sunwu):
    return household_sunwu.members.get(relationship="head")


def test_township_staff_see_only_their_township_and_no_county_total(county, client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("statistics:monthly"), {"month": "2026-02"})
    assert response.status_code == 200
    names = [row.township for row in response.context["report"].rows]
    assert names == [caseworker_sunwu.staff_profile.township.name]
    assert b'data-testid="statistics-total"' not in response.content
    download = client.get(reverse("statistics:download"), {"month": "2026-02"})
    rows = sheet_rows(download.content)
    header = next(i for i, row in enumerate(rows) if row[0] == "乡镇")
    assert [row[0] for row in rows[header + 1 :]] == names
    event = AuditEvent.objects.get(action="statistics.export")
    assert event.detail["month"] == "2026-02"


def test_the_api_gives_the_same_figures_and_refuses_a_bad_month(county, client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    url = reverse("api:statistics-monthly")
    answer = client.get(url, {"month": "2026-03"}).json()
    report = monthly_report(month=MAR, townships=list(Township.objects.all()))
    assert D(answer["total"]["dibao_amount"]) == report.total.dibao_amount == D("1650")
    assert [row["township"] for row in answer["townships"]] == [row.township for row in report.rows]
    bad = client.get(url, {"month": "2026-13"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "statistics.invalid_month"


def test_statistics_need_a_role(client, stranger):
    assert client.get(reverse("statistics:monthly")).status_code == 302  # to the log-in
    client.force_login(stranger)
    assert client.get(reverse("statistics:monthly")).status_code == 403
    assert client.get(reverse("api:statistics-monthly"), {"month": "2026-03"}).status_code == 403


def test_the_page_does_not_grow_its_queries_with_the_data(
    county, client, bureau_reviewer, django_assert_max_num_queries
):
    client.force_login(bureau_reviewer)
    # The month shown and the trend together: the 低保 and 特困 figures (one aggregate over the
    # spans of the decisions in force) and the temporary and medical aggregates — on PostgreSQL
    # the first in a transaction of its own with JIT off (here a savepoint, the setting, the
    # release) — plus the session, the user, the townships and the county settings. Independent
    # of the number of households and of months.
    figures = 3 + (3 if connection.vendor == "postgresql" else 0)
    with django_assert_max_num_queries(figures + 10):
        assert client.get(reverse("statistics:monthly"), {"month": "2026-03"}).status_code == 200


@pytest.mark.parametrize("month", [FEB, MAR])
def test_a_months_amount_is_the_same_in_the_statistics_the_roll_and_the_batch(county, month, bureau_reviewer):
    """Every channel gives the month the same amount: the report, the roll, the payment batch."""
    from benefits.payments import services as payments
    from benefits.roll import roll_rows

    report = monthly_report(month=month, townships=list(Township.objects.all()))
    for programme, amount, households in (
        (Programme.DIBAO, report.total.dibao_amount, report.total.dibao_households),
        (Programme.TEKUN, report.total.tekun_amount, None),
    ):
        rows = roll_rows(programme=programme, month=month)
        assert sum((r.amount for r in rows), D("0")) == amount
        if households is not None:
            assert len(rows) == households
        batch, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme=programme, month=month)
        assert batch.total == amount

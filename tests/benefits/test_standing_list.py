"""The standing list 长期公示 as a printed notice: one village per page (the chosen one of the
user's scope, else the first with rows), the decision in force this month (a benefit starting
later: its first month's), no stopped benefit, no 特困 case of a minor (by the birth-date cut-off,
the same rule as `Member.age_on`), the issuer's seal line; queries that do not grow with the
benefits."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from benefits import services
from benefits.models import ApplicationStatus
from benefits.selectors import minor_birth_cutoff, minor_cutoff
from households.models import Member
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data, new_id_number
from tests.xlsx_checks import column, query_count, sheet_rows

pytestmark = pytest.mark.django_db

STANDING = reverse("benefits:standing-list")


def today() -> datetime.date:
    return timezone.localdate()


def beneficiary(make_household, caseworker, bureau, *, head, village=None, programme="dibao", born="19600101"):
    household = make_household(
        caseworker,
        village=village,
        head=member_data(name=head, relationship="head", id_number=new_id_number(born=born)),
    )
    return benefit_from_roll(household, actor=bureau, programme=programme)


def stop(benefit, bureau, *, month: datetime.date):
    return services.benefit_change(
        actor=bureau, benefit=benefit, kind="stop", effective_month=month, reason_code="other", reason="已迁出"
    )


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def villages_in_order(caseworker):
    return list(caseworker.staff_profile.township.villages.filter(confirmed=True).order_by("name", "id")[:3])


def page(client, params=None) -> str:
    response = client.get(STANDING, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_a_page_is_one_village_the_chosen_one_else_the_first_with_rows(
    client, make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer
):
    empty, second, third = villages_in_order(caseworker_sunwu)
    beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="钱二", village=second)
    beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="孙三", village=third)
    other = beneficiary(make_household, caseworker_chenqing, bureau_reviewer, head="李春花")
    client.force_login(caseworker_sunwu)
    default = page(client)
    assert "钱二" in default  # the first village with rows, not `empty`
    assert "孙三" not in default
    assert f'<option value="{second.pk}" selected>' in default
    assert f"{second.township.name}{second.name}" in default
    chosen = page(client, {"village": third.pk})
    assert "孙三" in chosen
    assert "钱二" not in chosen
    assert "暂无救助对象" in page(client, {"village": empty.pk})  # a village chosen is shown, rows or not
    # A village outside the user's scope is ignored: the default village, nothing of the other township.
    outside = page(client, {"village": other.household.village_id})
    assert "钱二" in outside
    assert "李春花" not in outside
    # The download without a village keeps the whole scope.
    assert sorted(column(sheet_rows(client.get(STANDING, {"format": "xlsx"})), "姓名")) == ["孙三", "钱二"]


def test_the_default_village_skips_one_whose_only_benefit_is_stopped(
    client, make_household, caseworker_sunwu, bureau_reviewer
):
    first, second, _third = villages_in_order(caseworker_sunwu)
    stopped = beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="赵停发", village=first)
    stop(stopped, bureau_reviewer, month=today().replace(day=1))
    beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="钱二", village=second)
    client.force_login(caseworker_sunwu)
    shown = page(client)
    assert "钱二" in shown
    assert "赵停发" not in shown
    assert f'<option value="{second.pk}" selected>' in shown


def test_a_stopped_benefit_is_not_listed_one_stopping_next_month_still_is(
    client, make_household, caseworker_sunwu, bureau_reviewer
):
    village = villages_in_order(caseworker_sunwu)[0]
    month = today().replace(day=1)
    stop(
        beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="赵停发", village=village),
        bureau_reviewer,
        month=month,
    )
    stop(
        beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="钱下月", village=village),
        bureau_reviewer,
        month=next_month(month),
    )
    client.force_login(caseworker_sunwu)
    shown = page(client, {"village": village.pk})
    assert "钱下月" in shown
    assert "赵停发" not in shown
    assert column(sheet_rows(client.get(STANDING, {"format": "xlsx"})), "姓名") == ["钱下月"]


def test_a_benefit_starting_next_month_is_listed_with_its_first_months_amount(client, cases):
    application = cases.to(ApplicationStatus.APPROVED)
    benefit = application.benefit
    assert benefit.start_month > today()
    first = benefit.changes.get().new_amount
    later = first - Decimal("100")
    services.benefit_change(
        actor=cases.bureau,
        benefit=benefit,
        kind="lower",
        effective_month=next_month(benefit.start_month),
        reason_code="other",
        reason="人工调整",
        manual_reason="special_hardship",
        new_amount=later,
    )
    client.force_login(cases.caseworker)
    rows = sheet_rows(client.get(STANDING, {"format": "xlsx", "village": benefit.household.village_id}))
    assert column(rows, "姓名") == [application.applicant_name]
    assert column(rows, "月金额（元）") == [float(first)]
    assert column(rows, "起始年月") == [f"{benefit.start_month:%Y-%m}"]
    assert f'<td class="num">{first}</td>' in page(client, {"village": benefit.household.village_id})


def test_tekun_cases_of_minors_are_not_listed_by_the_birth_date_cut_off(
    client, make_household, caseworker_sunwu, bureau_reviewer
):
    village = villages_in_order(caseworker_sunwu)[0]
    cut_off = minor_cutoff(today())
    of_age, minor = f"{cut_off:%Y%m%d}", f"{cut_off + datetime.timedelta(days=1):%Y%m%d}"
    beneficiary(
        make_household, caseworker_sunwu, bureau_reviewer, head="成年", village=village, programme="tekun", born=of_age
    )
    beneficiary(
        make_household, caseworker_sunwu, bureau_reviewer, head="孤儿", village=village, programme="tekun", born=minor
    )
    # 低保 is listed whatever the age of its members.
    beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="少年户", village=village, born=minor)
    client.force_login(caseworker_sunwu)
    shown = page(client, {"village": village.pk})
    assert "成年" in shown
    assert "少年户" in shown
    assert "孤儿" not in shown
    assert "孤儿" not in column(sheet_rows(client.get(STANDING, {"format": "xlsx"})), "姓名")


@pytest.mark.parametrize(
    "on",
    [datetime.date(2028, 2, 29), datetime.date(2027, 3, 1), datetime.date(2026, 12, 31), datetime.date(2026, 1, 1)],
)
def test_the_birth_date_cut_off_is_the_age_rule(on):
    cut_off = minor_birth_cutoff(on, 18)
    for days in range(-400, 400):
        born = cut_off + datetime.timedelta(days=days)
        assert (Member(birth_date=born).age_on(on) < 18) == (born > cut_off), born


def test_the_sheet_carries_the_issuers_seal_line(client, make_household, caseworker_sunwu, bureau_reviewer):
    village = villages_in_order(caseworker_sunwu)[0]
    beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="钱二", village=village)
    client.force_login(caseworker_sunwu)
    shown = page(client)
    issuer = shown[shown.index('data-testid="notice-issuer"') :].split("</p>", 1)[0]
    assert f"{village.township.name}人民政府" in issuer
    assert "（盖章）" in issuer
    assert f"{today():%Y}年{today().month}月{today().day}日" in issuer


@pytest.mark.parametrize("as_bureau", [False, True], ids=["township", "bureau"])
def test_the_pages_queries_do_not_grow_with_the_benefits(
    client, make_household, caseworker_sunwu, bureau_reviewer, as_bureau
):
    first, second, _third = villages_in_order(caseworker_sunwu)
    for village in (first, second):
        beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="甲", village=village)
    client.force_login(bureau_reviewer if as_bureau else caseworker_sunwu)
    few = [query_count(client, STANDING, params) for params in ({}, {"village": second.pk})]
    for village in (first, second, first, second):
        beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="乙", village=village)
        beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="丙", village=village, programme="tekun")
    assert page(client, {"village": second.pk}).count("<tr><td>") == 5
    many = [query_count(client, STANDING, params) for params in ({}, {"village": second.pk})]
    assert many == few == ([12, 12] if as_bureau else [13, 13])

"""The village board's lists download as xlsx: the public notice (applications under notice and
proposed 特困 stops) and the standing list 长期公示, only the fields a notice may show, in the
user's township, the village filter kept, never a formula, audited; their pages' and downloads'
queries do not grow with the rows."""

import pytest
from django.db import connection
from django.urls import reverse

from benefits import services
from benefits.models import ApplicationStatus
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, pinned, query_count, sheet_rows

pytestmark = pytest.mark.django_db

BOARD = reverse("benefits:notices")
STANDING = reverse("benefits:standing-list")


def stop_notice(make_household, caseworker, bureau, *, head="赵老汉", village=None):
    household = make_household(caseworker, village=village, head=member_data(name=head, relationship="head"))
    benefit = benefit_from_roll(household, actor=bureau, programme="tekun")
    return services.tekun_stop_propose(actor=bureau, benefit=benefit, reason_code="moved_or_deceased", reason="迁出")


def beneficiary(make_household, caseworker, bureau, *, head="王大山", village=None):
    household = make_household(caseworker, village=village, head=member_data(name=head, relationship="head"))
    return benefit_from_roll(household, actor=bureau, programme="dibao")


def test_the_board_downloads_both_notices_of_the_township(
    client, cases, make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer
):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    ours = stop_notice(make_household, caseworker_sunwu, bureau_reviewer, head="@赵老汉")
    stop_notice(make_household, caseworker_chenqing, bureau_reviewer, head="李老汉")
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(BOARD, {"format": "xlsx"}))
    assert column(rows, "姓名") == [application.applicant_name, "@赵老汉"]
    assert column(rows, "行政村") == [application.household.village.name, ours.benefit.household.village.name]
    assert column(rows, "家庭人口数")[0] == 2
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "public_notices", 1)
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get(BOARD, {"format": "xlsx"})), "姓名") == ["李老汉"]


def test_the_board_download_keeps_the_village(client, make_household, caseworker_sunwu, bureau_reviewer):
    village_a, village_b = caseworker_sunwu.staff_profile.township.villages.order_by("id")[:2]
    stop_notice(make_household, caseworker_sunwu, bureau_reviewer, head="甲", village=village_a)
    stop_notice(make_household, caseworker_sunwu, bureau_reviewer, head="乙", village=village_b)
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(BOARD, {"format": "xlsx", "village": village_b.pk}))
    assert column(rows, "姓名") == ["乙"]
    page = client.get(BOARD, {"village": village_b.pk}).content.decode()
    assert f'href="?village={village_b.pk}&amp;format=xlsx"' in page


def test_the_standing_list_downloads_the_townships_beneficiaries(
    client, make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer
):
    village_a, village_b = caseworker_sunwu.staff_profile.township.villages.order_by("id")[:2]
    beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="-王大山", village=village_a)
    beneficiary(make_household, caseworker_sunwu, bureau_reviewer, head="钱二", village=village_b)
    beneficiary(make_household, caseworker_chenqing, bureau_reviewer, head="李春花")
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(STANDING, {"format": "xlsx"}))
    assert sorted(column(rows, "姓名")) == sorted(["-王大山", "钱二"])
    assert set(column(rows, "月金额（元）")) == {600}
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "standing_list", 1)
    only_b = sheet_rows(client.get(STANDING, {"format": "xlsx", "village": village_b.pk}))
    assert column(only_b, "姓名") == ["钱二"]
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get(STANDING, {"format": "xlsx"})), "姓名") == ["李春花"]


@pytest.mark.parametrize("url", [BOARD, STANDING], ids=["board", "standing"])
def test_the_downloads_need_a_case_role(client, poverty_office, url):
    client.force_login(poverty_office)
    assert client.get(url, {"format": "xlsx"}).status_code == 403


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_boards_queries_do_not_grow_with_the_notices(
    client, cases, make_household, caseworker_sunwu, bureau_reviewer, params
):
    cases.to(ApplicationStatus.PUBLIC_NOTICE)
    for _ in range(2):
        stop_notice(make_household, caseworker_sunwu, bureau_reviewer)
    client.force_login(caseworker_sunwu)
    few = query_count(client, BOARD, params)
    cases.to(ApplicationStatus.PUBLIC_NOTICE)
    for _ in range(4):
        stop_notice(make_household, caseworker_sunwu, bureau_reviewer)
    assert len(sheet_rows(client.get(BOARD, {"format": "xlsx"}))) - 2 == 8
    assert query_count(client, BOARD, params) == few == pinned(params, page=17, download=15)


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_standing_lists_queries_do_not_grow_with_the_beneficiaries(
    client, make_household, caseworker_sunwu, bureau_reviewer, params
):
    for _ in range(2):
        beneficiary(make_household, caseworker_sunwu, bureau_reviewer)
    client.force_login(caseworker_sunwu)
    few = query_count(client, STANDING, params)
    for _ in range(4):
        beneficiary(make_household, caseworker_sunwu, bureau_reviewer)
    # The download of the whole scope: 3 more on PostgreSQL (JIT off for its statements, sunwu_relief.pg).
    download = 11 + (3 if connection.vendor == "postgresql" else 0)
    assert query_count(client, STANDING, params) == few == pinned(params, page=13, download=download)

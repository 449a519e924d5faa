"""The temporary assistance cases download as xlsx: every case of the user's township (the page
shows the latest 200), no ID number of a person from outside, never a formula, audited; the list
page's and the download's queries do not grow with the cases."""

from decimal import Decimal

import pytest
from django.urls import reverse

from benefits.temporary.services import TemporaryData, temporary_case_create
from tests.conftest import member_data, new_id_number
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, pinned, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("benefits:temporary-list")


def _data(member=None, **overrides) -> TemporaryData:
    data = {
        "kind": "emergency",
        "cause": "accident",
        "circumstances": "房屋失火，衣物被褥全部烧毁",
        "amount": Decimal("800"),
        "emergency_grant": True,
        "member": member,
    }
    data.update(overrides)
    return TemporaryData(**data)


def _head(household):
    return household.members.get(relationship="head")


@pytest.fixture
def cases(make_household, caseworker_sunwu, caseworker_chenqing, household_chenqing):
    ours = make_household(caseworker_sunwu, head=member_data(name="-王大山", relationship="head"))
    mine = temporary_case_create(actor=caseworker_sunwu, data=_data(_head(ours)))
    outsider = temporary_case_create(
        actor=caseworker_sunwu,
        data=_data(person_name="流动人员甲", person_id_number=new_id_number(), person_origin="黑龙江省"),
    )
    theirs = temporary_case_create(actor=caseworker_chenqing, data=_data(_head(household_chenqing)))
    return mine, outsider, theirs


def test_a_caseworker_downloads_the_cases_of_their_township(client, caseworker_sunwu, cases):
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert sorted(column(rows, "名称")) == sorted(["-王大山", "流动人员甲（外来人员）"])
    assert column(rows, "金额（元）") == [800, 800]  # numbers stay numbers
    assert_safe(rows)  # the outsider's ID number is nowhere
    assert_downloads_audited(caseworker_sunwu, "temporary_cases", 1)


def test_a_caseworker_of_another_township_gets_none_of_ours(client, caseworker_chenqing, cases):
    _mine, _outsider, theirs = cases
    client.force_login(caseworker_chenqing)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "名称") == [theirs.person_name]


def test_the_download_needs_a_case_role(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    assert 'href="?format=xlsx"' in client.get(URL).content.decode()


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_queries_do_not_grow_with_the_cases(client, caseworker_sunwu, make_household, params):
    client.force_login(caseworker_sunwu)

    def add(count):
        for _ in range(count):
            temporary_case_create(actor=caseworker_sunwu, data=_data(_head(make_household(caseworker_sunwu))))

    add(2)
    few = query_count(client, URL, params)
    add(4)
    assert query_count(client, URL, params) == few == pinned(params, page=11, download=9)

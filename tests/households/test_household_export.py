"""The households list downloads as xlsx: the page's rows (all pages), in the user's township,
the filters kept, heads' ID numbers masked as on screen, never a formula, each download audited."""

import pytest
from django.urls import reverse

from households.ids import mask_id_number
from tests.conftest import member_data, new_id_number
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("households:list")


@pytest.fixture
def ours(make_household, caseworker_sunwu):
    return make_household(caseworker_sunwu, head=member_data(name="=HYPERLINK(1)", relationship="head"))


def test_a_caseworker_downloads_the_households_of_their_township_masked(
    client, caseworker_sunwu, ours, household_chenqing
):
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "户编号") == [ours.number]
    head = ours.members.get(relationship="head")
    assert column(rows, "身份证号") == [mask_id_number(head.id_number)]
    assert column(rows, "户主") == ["=HYPERLINK(1)"]
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "households", 1)


def test_a_caseworker_of_another_township_gets_none_of_ours(client, caseworker_chenqing, ours, household_chenqing):
    client.force_login(caseworker_chenqing)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "户编号") == [household_chenqing.number]


def test_the_download_keeps_the_filters_and_holds_every_page(client, caseworker_sunwu, make_household):
    from households.views import PAGE_SIZE

    village_a, village_b = caseworker_sunwu.staff_profile.township.villages.order_by("id")[:2]
    for _ in range(PAGE_SIZE + 1):
        make_household(caseworker_sunwu, village=village_a)
    other = make_household(caseworker_sunwu, village=village_b)
    client.force_login(caseworker_sunwu)
    everything = sheet_rows(client.get(URL, {"format": "xlsx", "page": 2}))
    assert len(everything) - 2 == PAGE_SIZE + 2
    only_b = sheet_rows(client.get(URL, {"format": "xlsx", "village": village_b.pk}))
    assert column(only_b, "户编号") == [other.number]


def test_the_download_needs_a_staff_role(client, poverty_office, stranger):
    for user in (poverty_office, stranger):
        client.force_login(user)
        assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download_with_its_filters(client, caseworker_sunwu, ours):
    client.force_login(caseworker_sunwu)
    village = ours.village_id
    page = client.get(URL, {"village": village, "page": 1}).content.decode()
    assert f'href="?village={village}&amp;format=xlsx"' in page


def test_the_downloads_queries_do_not_grow_with_the_households(client, caseworker_sunwu, make_household):
    client.force_login(caseworker_sunwu)
    for _ in range(2):
        make_household(caseworker_sunwu, members=[member_data(id_number=new_id_number())])
    few = query_count(client, URL, {"format": "xlsx"})
    for _ in range(4):
        make_household(caseworker_sunwu, members=[member_data(id_number=new_id_number())])
    assert query_count(client, URL, {"format": "xlsx"}) == few == 10

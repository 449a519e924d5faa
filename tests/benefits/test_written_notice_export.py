"""The written notices: the list downloads as xlsx (its filters, every page, the user's scope,
never a formula, audited), filters by village, and prints a village's undelivered notices at
once, each on its own sheet (another township's village is a 404); the queries do not grow."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benefits import services
from benefits.selectors import written_notice_number, written_notice_numbers
from tests.benefits.notice_builders import stop_notice
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("benefits:written-notices")


def _receipt() -> SimpleUploadedFile:
    return SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 signed receipt", content_type="application/pdf")


def _villages(user):
    return list(user.staff_profile.township.villages.order_by("id")[:2])


@pytest.fixture
def notices(make_household, caseworker_sunwu, caseworker_chenqing, bureau_reviewer):
    ours = stop_notice(make_household, caseworker_sunwu, bureau_reviewer, head="+王大山")
    theirs = stop_notice(make_household, caseworker_chenqing, bureau_reviewer, head="李春花")
    return ours, theirs


def test_a_caseworker_downloads_the_written_notices_of_their_township(client, caseworker_sunwu, notices):
    ours, _theirs = notices
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "送达对象") == ["+王大山"]
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "written_notices", 1)
    assert [row[3].value for row in rows[2:]] == [ours.household.number]


def test_a_caseworker_of_another_township_gets_none_of_ours(client, caseworker_chenqing, notices):
    _ours, theirs = notices
    client.force_login(caseworker_chenqing)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert [row[3].value for row in rows[2:]] == [theirs.household.number]


def test_the_download_and_the_list_keep_the_filters(client, make_household, caseworker_sunwu, bureau_reviewer, notices):
    ours, _theirs = notices
    village_a, village_b = _villages(caseworker_sunwu)
    assert ours.household.village == village_a
    other = stop_notice(make_household, caseworker_sunwu, bureau_reviewer, village=village_b)
    services.written_notice_deliver(
        actor=caseworker_sunwu,
        notice=other,
        delivered_on=other.issued_on,
        method="in_person",
        received_by="王大山",
        receipt=_receipt(),
    )
    client.force_login(caseworker_sunwu)

    def numbers(params):
        return [row[3].value for row in sheet_rows(client.get(URL, {"format": "xlsx", **params}))[2:]]

    assert sorted(numbers({})) == sorted([ours.household.number, other.household.number])
    assert numbers({"village": village_b.pk}) == [other.household.number]
    assert numbers({"state": "undelivered"}) == [ours.household.number]
    assert numbers({"state": "undelivered", "village": village_b.pk}) == []
    page = client.get(URL, {"village": village_b.pk}).content.decode()
    assert other.household.number in page
    assert ours.household.number not in page
    assert f'href="?village={village_b.pk}&amp;format=xlsx"' in page
    print_url = reverse("benefits:written-notices-village-print", args=[village_b.pk])
    assert f'href="{print_url}"' in page
    assert "village-print" not in client.get(URL).content.decode()  # only once a village is chosen


def test_the_download_needs_a_case_role(client, poverty_office, notices):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_village_print_holds_exactly_its_undelivered_notices_each_on_its_sheet(
    client, make_household, caseworker_sunwu, bureau_reviewer, notices
):
    ours, _theirs = notices
    village_a, village_b = _villages(caseworker_sunwu)
    second = stop_notice(make_household, caseworker_sunwu, bureau_reviewer, village=village_a, head="赵二")
    delivered = stop_notice(make_household, caseworker_sunwu, bureau_reviewer, village=village_a, head="钱三")
    elsewhere = stop_notice(make_household, caseworker_sunwu, bureau_reviewer, village=village_b, head="孙四")
    services.written_notice_deliver(
        actor=caseworker_sunwu,
        notice=delivered,
        delivered_on=delivered.issued_on,
        method="in_person",
        received_by="钱三",
        receipt=_receipt(),
    )
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("benefits:written-notices-village-print", args=[village_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="paper"') == 2
    assert 'class="paper-batch"' in page
    for notice in (ours, second):
        assert f"{notice.addressee}　" in page
        assert written_notice_number(notice) in page  # the number the notice's own page prints
    for notice in (delivered, elsewhere):
        assert f"{notice.addressee}　" not in page
    single = client.get(reverse("benefits:written-notice", args=[second.pk])).content.decode()
    assert _paper(single) in page  # the same paper as the notice's own page


def _paper(page: str) -> str:
    start = page.index('<article class="document paper"')
    return page[start : page.index("</article>", start)]


def test_another_townships_village_is_not_found(client, caseworker_chenqing, caseworker_sunwu, notices):
    village = _villages(caseworker_sunwu)[0]
    client.force_login(caseworker_chenqing)
    url = reverse("benefits:written-notices-village-print", args=[village.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("benefits:written-notices-village-print", args=[999999])).status_code == 404


def test_the_village_print_needs_a_case_role(client, poverty_office, caseworker_sunwu):
    client.force_login(poverty_office)
    url = reverse("benefits:written-notices-village-print", args=[_villages(caseworker_sunwu)[0].pk])
    assert client.get(url).status_code == 403


def test_the_village_print_of_a_village_with_nothing_to_serve(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("benefits:written-notices-village-print", args=[_villages(caseworker_sunwu)[0].pk]))
    assert response.status_code == 200
    assert 'data-testid="paper"' not in response.content.decode()


@pytest.mark.parametrize(
    "target",
    ["list", "download", "print"],
)
def test_the_queries_do_not_grow_with_the_notices(client, make_household, caseworker_sunwu, bureau_reviewer, target):
    village = _villages(caseworker_sunwu)[0]
    url, params = {
        "list": (URL, {}),
        "download": (URL, {"format": "xlsx"}),
        "print": (reverse("benefits:written-notices-village-print", args=[village.pk]), {}),
    }[target]
    for _ in range(2):
        stop_notice(make_household, caseworker_sunwu, bureau_reviewer, village=village)
    client.force_login(caseworker_sunwu)
    few = query_count(client, url, params)
    for _ in range(4):
        stop_notice(make_household, caseworker_sunwu, bureau_reviewer, village=village)
    assert query_count(client, url, params) == few == {"list": 11, "download": 9, "print": 11}[target]
    if target == "print":
        assert client.get(url).content.decode().count('data-testid="paper"') == 6


def test_the_batch_numbers_are_the_notices_own(make_household, caseworker_sunwu, bureau_reviewer):
    notices = [stop_notice(make_household, caseworker_sunwu, bureau_reviewer) for _ in range(3)]
    numbers = written_notice_numbers(notices[1:])
    assert numbers == {n.pk: written_notice_number(n) for n in notices[1:]}
    assert written_notice_numbers([]) == {}


@pytest.mark.parametrize("value", ["abc", "1.5", "\x00", "-1", "99999999999999999999999", "\u202e1", "１"])
def test_a_bad_village_filter_is_ignored(client, bureau_reviewer, value):
    client.force_login(bureau_reviewer)
    assert client.get(URL, {"village": value}).status_code == 200
    assert client.get(URL, {"village": value, "format": "xlsx"}).status_code == 200

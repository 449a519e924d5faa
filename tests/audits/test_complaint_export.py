"""The complaints list downloads as xlsx: the page's rows (every page, its status filter) in the
user's township, never the reporter, never a formula, audited; the queries do not grow."""

import pytest
from django.urls import reverse

from audits.complaints import services
from sunwu_relief.authz import system
from sunwu_relief.roles import Role
from sunwu_relief.services import staff_create_or_update
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, pinned, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("audits:complaints")


@pytest.fixture
def complaints(complain, household_sunwu, household_chenqing, caseworker_chenqing):
    ours = complain(household=household_sunwu, reporter_name="举报人甲")
    theirs = complain(household=household_chenqing, actor=caseworker_chenqing)
    return ours, theirs


def test_a_caseworker_downloads_the_complaints_of_their_township(client, caseworker_sunwu, complaints):
    ours, _theirs = complaints
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "编号") == [ours.number]
    assert column(rows, "乡镇") == [ours.township.name]
    text = " ".join(str(cell.value) for row in rows for cell in row)
    assert "举报人甲" not in text  # the reporter is never in the list
    assert ours.content not in text
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "complaints", 1)


def test_a_caseworker_of_another_township_gets_none_of_ours(client, caseworker_chenqing, complaints):
    _ours, theirs = complaints
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get(URL, {"format": "xlsx"})), "编号") == [theirs.number]


def test_the_download_keeps_the_status_filter_and_is_formula_safe(
    client, reviewer_sunwu, caseworker_sunwu, complain, household_sunwu, complaints
):
    ours, _theirs = complaints
    staff_create_or_update(
        actor=system("test"),
        username=caseworker_sunwu.username,
        role=Role.CASEWORKER,
        township=caseworker_sunwu.staff_profile.township,
        name="=1+1",
    )
    caseworker_sunwu.refresh_from_db()
    services.complaint_assign(actor=reviewer_sunwu, complaint=ours, assignee=caseworker_sunwu)
    waiting = complain(household=household_sunwu)
    client.force_login(reviewer_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx", "status": "investigating"}))
    assert column(rows, "编号") == [ours.number]
    assert column(rows, "调查人") == ["=1+1"]
    assert_safe(rows)
    everything = sheet_rows(client.get(URL, {"format": "xlsx", "status": "all"}))
    assert sorted(column(everything, "编号")) == sorted([ours.number, waiting.number])


def test_the_download_needs_a_staff_role(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download_with_its_filter(client, caseworker_sunwu, complaints):
    client.force_login(caseworker_sunwu)
    page = client.get(URL, {"status": "all", "page": "1"}).content.decode()
    assert 'href="?status=all&amp;format=xlsx"' in page


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_queries_do_not_grow_with_the_complaints(client, caseworker_sunwu, complain, household_sunwu, params):
    client.force_login(caseworker_sunwu)
    for _ in range(2):
        complain(household=household_sunwu)
    few = query_count(client, URL, params)
    for _ in range(4):
        complain(household=household_sunwu)
    assert query_count(client, URL, params) == few == pinned(params, page=10, download=9)

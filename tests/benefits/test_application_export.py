"""The applications list downloads as xlsx (the page's rows, every page, in the user's scope, the
status filter kept, never a formula, audited), and the list page's queries do not grow."""

import pytest
from django.urls import reverse

from benefits import services
from benefits.models import ApplicationStatus
from tests.conftest import member_data
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, pinned, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("benefits:applications")


def _draft(actor, household):
    return services.application_create(actor=actor, household=household, programme="dibao", reason="因病")


@pytest.fixture
def applications(make_household, caseworker_sunwu, caseworker_chenqing, household_chenqing):
    ours = make_household(caseworker_sunwu, head=member_data(name="@SUM(A1)", relationship="head"))
    return _draft(caseworker_sunwu, ours), _draft(caseworker_chenqing, household_chenqing)


def test_a_caseworker_downloads_the_applications_of_their_township(client, caseworker_sunwu, applications):
    ours, _theirs = applications
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "#") == [ours.pk]
    assert column(rows, "申请人") == ["@SUM(A1)"]
    assert column(rows, "行政村") == [ours.household.village.name]
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "applications", 1)


def test_a_caseworker_of_another_township_gets_none_of_ours(client, caseworker_chenqing, applications):
    _ours, theirs = applications
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get(URL, {"format": "xlsx"})), "#") == [theirs.pk]


def test_the_download_keeps_the_status_filter_and_shows_the_deadlines(client, cases, bureau_reviewer, applications):
    accepted = cases.to(ApplicationStatus.ACCEPTED)
    client.force_login(bureau_reviewer)
    everything = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert len(everything) - 2 == 3  # the county sees every township's
    rows = sheet_rows(client.get(URL, {"format": "xlsx", "status": ApplicationStatus.ACCEPTED}))
    assert column(rows, "#") == [accepted.pk]
    assert column(rows, "办理时限")[0]  # the deadlines as on the page
    assert_safe(rows)
    assert_downloads_audited(bureau_reviewer, "applications", 2)


def test_the_download_needs_a_case_role(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download_with_its_filter(client, caseworker_sunwu, applications):
    client.force_login(caseworker_sunwu)
    page = client.get(URL, {"status": "draft"}).content.decode()
    assert 'href="?status=draft&amp;format=xlsx"' in page


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_queries_do_not_grow_with_the_applications(client, caseworker_sunwu, make_household, params):
    client.force_login(caseworker_sunwu)
    for _ in range(2):
        _draft(caseworker_sunwu, make_household(caseworker_sunwu))
    few = query_count(client, URL, params)
    for _ in range(4):
        _draft(caseworker_sunwu, make_household(caseworker_sunwu))
    assert query_count(client, URL, params) == few == pinned(params, page=11, download=10)

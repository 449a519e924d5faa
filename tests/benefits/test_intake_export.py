"""The one-door requests download as xlsx: every request of the user's township (the page lists
the latest 200) with the page's columns, never a formula, audited; the download's queries do not
grow with the requests (the page's are pinned in test_intake_pages)."""

import pytest
from django.urls import reverse

from benefits.intake.services import IntakeData, intake_register
from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("benefits:intake-list")


def register(actor, person_name="周小雨"):
    data = IntakeData(
        channel="phone", kind="education", requester_name="村干部刘明", request="孩子上学困难", person_name=person_name
    )
    return intake_register(actor=actor, data=data)


def test_a_caseworker_downloads_the_requests_of_their_township(client, caseworker_sunwu, caseworker_chenqing):
    ours = register(caseworker_sunwu, person_name="@周小雨")
    register(caseworker_chenqing, person_name="李小花")
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "回执编号") == [ours.receipt_number]
    assert column(rows, "求助对象") == ["@周小雨"]
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "intake_requests", 1)


def test_a_caseworker_of_another_township_gets_none_of_ours(client, caseworker_sunwu, caseworker_chenqing):
    register(caseworker_sunwu)
    theirs = register(caseworker_chenqing, person_name="李小花")
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get(URL, {"format": "xlsx"})), "回执编号") == [theirs.receipt_number]


def test_the_county_downloads_every_township(client, bureau_reviewer, caseworker_sunwu, caseworker_chenqing):
    register(caseworker_sunwu)
    register(caseworker_chenqing)
    client.force_login(bureau_reviewer)
    assert len(sheet_rows(client.get(URL, {"format": "xlsx"}))) - 2 == 2


def test_the_download_needs_a_case_role(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    assert 'href="?format=xlsx"' in client.get(URL).content.decode()


def test_the_downloads_queries_do_not_grow_with_the_requests(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    for n in range(2):
        register(caseworker_sunwu, person_name=f"学生{n}")
    few = query_count(client, URL, {"format": "xlsx"})
    for n in range(4):
        register(caseworker_sunwu, person_name=f"学生{n + 2}")
    assert query_count(client, URL, {"format": "xlsx"}) == few == 9

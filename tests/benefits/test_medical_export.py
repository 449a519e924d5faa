"""The medical assistance claims download as xlsx: every claim of the user's township, never a
formula, audited, and in the access log as health data (who was treated where); the list
page's and the download's queries do not grow with the claims."""

import dataclasses

import pytest
from django.urls import reverse

from benefits.medical.services import medical_claim_record
from sunwu_relief.models import AccessLog, AuditEvent
from tests.benefits.programme_builders import benefit_from_roll, claim
from tests.xlsx_checks import assert_safe, column, pinned, query_count, sheet_rows

pytestmark = pytest.mark.django_db

URL = reverse("benefits:medical-claims")


def _patient(household, bureau):
    benefit_from_roll(household, actor=bureau, programme="dibao")
    return household.members.get(relationship="head")


@pytest.fixture
def claims(household_sunwu, household_chenqing, caseworker_sunwu, caseworker_chenqing, bureau_reviewer):
    ours = medical_claim_record(
        actor=caseworker_sunwu,
        member=_patient(household_sunwu, bureau_reviewer),
        data=dataclasses.replace(claim(self_pay="600"), hospital="=孙吴县人民医院"),
    )
    theirs = medical_claim_record(
        actor=caseworker_chenqing, member=_patient(household_chenqing, bureau_reviewer), data=claim(self_pay="300")
    )
    return ours, theirs


def test_a_caseworker_downloads_the_claims_of_their_township(client, caseworker_sunwu, claims):
    ours, _theirs = claims
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "医疗机构") == ["=孙吴县人民医院"]
    assert column(rows, rows[1][5].value) == [ours.aid]
    assert_safe(rows)
    assert AuditEvent.objects.filter(action="export.download", actor=caseworker_sunwu).count() == 1
    log = AccessLog.objects.get(channel="export", user=caseworker_sunwu)
    assert log.health_data is True
    assert log.object_ids == [str(ours.pk)]


def test_a_caseworker_of_another_township_gets_none_of_ours(client, caseworker_chenqing, claims):
    _ours, theirs = claims
    client.force_login(caseworker_chenqing)
    rows = sheet_rows(client.get(URL, {"format": "xlsx"}))
    assert column(rows, "患者") == [theirs.member.name]


def test_the_download_needs_a_case_role(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_the_list_links_to_the_download(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    assert 'href="?format=xlsx"' in client.get(URL).content.decode()


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}], ids=["page", "download"])
def test_the_queries_do_not_grow_with_the_claims(client, caseworker_sunwu, make_household, bureau_reviewer, params):
    client.force_login(caseworker_sunwu)

    def add(count):
        for _ in range(count):
            patient = _patient(make_household(caseworker_sunwu), bureau_reviewer)
            medical_claim_record(actor=caseworker_sunwu, member=patient, data=claim(self_pay="100"))

    add(2)
    few = query_count(client, URL, params)
    add(4)
    assert query_count(client, URL, params) == few == pinned(params, page=10, download=9)

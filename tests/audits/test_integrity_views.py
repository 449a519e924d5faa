"""The integrity work list in the browser: scoped, county-only kinds hidden from townships,
resolved with a note, a pinned number of queries; the complaints list too."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.integrity.finding_models import IntegrityFinding, IntegrityKind, IntegrityStatus
from audits.integrity.services.findings import integrity_checks_run
from benefits.models import ApplicationStatus
from sunwu_relief.authz import system
from tests.conftest import member_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_findings(cases, registry, make_household, caseworker_sunwu):
    """A same-person finding (township) and a relative-worked-case finding (county only)."""
    application = cases.to(ApplicationStatus.ACCEPTED)
    make_household(caseworker_sunwu, head=member_data(name="王大山", relationship="head"))
    registry.relative(
        registry.person(user=caseworker_sunwu), application.household.members.get(relationship="son").id_number
    )
    integrity_checks_run(actor=system("command:test"))
    return (
        IntegrityFinding.objects.get(kind=IntegrityKind.SAME_PERSON),
        IntegrityFinding.objects.get(kind=IntegrityKind.RELATIVE_WORKED_CASE),
    )


def test_township_staff_see_their_kinds_and_not_the_countys(client, two_findings, caseworker_sunwu):
    township, county = two_findings
    client.force_login(caseworker_sunwu)
    page = client.get("/audits/integrity/").content.decode()
    assert f'data-kind="{IntegrityKind.SAME_PERSON}"' in page
    assert f'data-kind="{IntegrityKind.RELATIVE_WORKED_CASE}"' not in page
    assert client.get(f"/audits/integrity/{county.pk}/").status_code == 404
    assert client.get(f"/audits/integrity/{township.pk}/").status_code == 200


def test_county_staff_see_every_kind(client, two_findings, auditor):
    client.force_login(auditor)
    page = client.get("/audits/integrity/").content.decode()
    assert f'data-kind="{IntegrityKind.RELATIVE_WORKED_CASE}"' in page
    assert f'data-kind="{IntegrityKind.SAME_PERSON}"' in page
    assert client.get("/admin/audits/integrityfinding/").status_code == 200


def test_other_township_and_roles(client, two_findings, caseworker_chenqing, poverty_office):
    township, _county = two_findings
    client.force_login(caseworker_chenqing)
    assert client.get(f"/audits/integrity/{township.pk}/").status_code == 404
    assert 'data-testid="integrity-row"' not in client.get("/audits/integrity/").content.decode()
    client.force_login(poverty_office)
    assert client.get("/audits/integrity/").status_code == 403


def test_resolve_in_the_browser_with_a_note(client, two_findings, caseworker_sunwu):
    township, _county = two_findings
    client.force_login(caseworker_sunwu)
    url = f"/audits/integrity/{township.pk}/"
    assert client.post(url, {"resolution": "checked", "note": ""}).status_code == 200
    township.refresh_from_db()
    assert township.status == IntegrityStatus.OPEN
    assert client.post(url, {"resolution": "checked", "note": "同名同生日，非同一人"}).status_code == 302
    township.refresh_from_db()
    assert township.status == IntegrityStatus.RESOLVED
    assert township.resolved_by == caseworker_sunwu
    assert client.post(url, {"resolution": "checked", "note": "again"}).status_code == 403


def test_the_lists_take_a_fixed_number_of_queries(
    client, two_findings, bureau_reviewer, complain, household_sunwu, make_household, caseworker_sunwu
):
    client.force_login(bureau_reviewer)
    for _ in range(3):
        complain(household=household_sunwu)
    client.get("/audits/integrity/")
    with CaptureQueriesContext(connection) as few:
        client.get("/audits/integrity/")
    with CaptureQueriesContext(connection) as complaints_few:
        client.get("/audits/complaints/")
    for _ in range(3):
        complain(household=household_sunwu)
    for name in ("赵同名", "赵同名", "钱同名", "钱同名"):
        make_household(caseworker_sunwu, head=member_data(name=name, relationship="head"))
    integrity_checks_run(actor=system("command:test"))
    assert IntegrityFinding.objects.count() > 3
    with CaptureQueriesContext(connection) as more:
        client.get("/audits/integrity/")
    with CaptureQueriesContext(connection) as complaints_more:
        client.get("/audits/complaints/")
    assert len(more) == len(few)
    assert len(complaints_more) == len(complaints_few)


def test_the_list_downloads_as_the_page_shows_it_in_scope(
    client, two_findings, caseworker_sunwu, caseworker_chenqing, auditor
):
    from tests.xlsx_checks import assert_downloads_audited, assert_safe, column, sheet_rows

    township, county = two_findings
    client.force_login(caseworker_sunwu)
    rows = sheet_rows(client.get("/audits/integrity/", {"format": "xlsx"}))
    assert column(rows, "比对问题") == [township.get_kind_display()]  # the county-only kind is not there
    assert_safe(rows)
    assert_downloads_audited(caseworker_sunwu, "integrity-findings", 1)
    client.force_login(auditor)
    rows = sheet_rows(client.get("/audits/integrity/", {"format": "xlsx"}))
    assert sorted(column(rows, "比对问题")) == sorted([township.get_kind_display(), county.get_kind_display()])
    client.force_login(caseworker_chenqing)
    assert column(sheet_rows(client.get("/audits/integrity/", {"format": "xlsx"})), "比对问题") == []

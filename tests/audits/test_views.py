"""Browser and admin: township staff work their township's findings; county staff see all;
households show the ledger's view beside ours."""

import pytest
from django.utils import translation

from audits.models import Finding, FindingStatus, Resolution
from audits.services import reconciliation_run
from sunwu_relief.authz import system
from tests.audits.conftest import ledger_rows_for
from tests.ledger_builders import ledger_row


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def findings_two_townships(household_sunwu, household_chenqing, import_ledger):
    import_ledger(ledger_rows_for(household_sunwu, number="L-S") + ledger_rows_for(household_chenqing, number="L-C"))
    reconciliation_run(actor=system("test"))
    return Finding.objects.get(household=household_sunwu), Finding.objects.get(household=household_chenqing)


def test_caseworker_sees_only_their_townships_findings(client, caseworker_sunwu, findings_two_townships):
    mine, theirs = findings_two_townships
    client.force_login(caseworker_sunwu)
    page = client.get("/audits/findings/").content.decode()
    assert f"/audits/findings/{mine.pk}/" in page
    assert f"/audits/findings/{theirs.pk}/" not in page
    assert mine.id_number not in page  # lists mask ID numbers
    assert client.get(f"/audits/findings/{theirs.pk}/").status_code == 404


def test_caseworker_resolves_a_finding_with_a_note(client, caseworker_sunwu, findings_two_townships):
    mine, _theirs = findings_two_townships
    client.force_login(caseworker_sunwu)
    response = client.post(f"/audits/findings/{mine.pk}/", {"resolution": "include", "note": ""})
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    response = client.post(f"/audits/findings/{mine.pk}/", {"resolution": "include", "note": "已受理低保申请"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == FindingStatus.ACTING  # waits for the application it started
    assert mine.application.household == mine.household
    assert mine.resolution == Resolution.INCLUDE
    assert mine.resolved_by == caseworker_sunwu
    page = client.get(f"/audits/findings/{mine.pk}/").content.decode()
    assert "已受理低保申请" in page
    assert 'data-testid="resolve-form"' not in page


def test_auditor_reads_but_cannot_resolve(client, auditor, findings_two_townships):
    mine, theirs = findings_two_townships
    client.force_login(auditor)
    page = client.get("/audits/findings/").content.decode()
    assert f"/audits/findings/{mine.pk}/" in page
    assert f"/audits/findings/{theirs.pk}/" in page
    detail = client.get(f"/audits/findings/{mine.pk}/").content.decode()
    assert 'data-testid="resolve-form"' not in detail
    assert mine.id_number not in detail  # auditors never see full ID numbers
    assert client.post(f"/audits/findings/{mine.pk}/", {"resolution": "check", "note": "x"}).status_code == 403


def test_poverty_office_uses_the_api_not_the_work_list(client, poverty_office, findings_two_townships):
    client.force_login(poverty_office)
    assert client.get("/audits/findings/").status_code == 403


def test_findings_list_filters_by_kind_and_status(client, bureau_reviewer, findings_two_townships):
    client.force_login(bureau_reviewer)
    assert "2 findings" in client.get("/audits/findings/", {"finding": "not_covered"}).content.decode()
    assert "No finding." in client.get("/audits/findings/", {"finding": "not_registered"}).content.decode()
    assert "No finding." in client.get("/audits/findings/", {"status": "resolved"}).content.decode()


def test_dashboard_counts_open_findings_by_township_and_kind(
    client, bureau_reviewer, caseworker_sunwu, findings_two_townships
):
    client.force_login(bureau_reviewer)
    page = client.get("/").content.decode()
    assert 'data-testid="findings-by-township"' in page
    assert "孙吴镇" in page
    assert "辰清镇" in page
    client.force_login(caseworker_sunwu)
    response = client.get("/")
    rows = response.context["findings_by_township"]
    assert [(row["township__name"], row["not_covered"], row["total"]) for row in rows] == [("孙吴镇", 1, 1)]


def test_admin_lists_findings_with_masking_for_auditors(client, auditor, bureau_reviewer, findings_two_townships):
    mine, _theirs = findings_two_townships
    client.force_login(bureau_reviewer)
    page = client.get("/admin/audits/finding/").content.decode()
    assert mine.id_number in page
    client.force_login(auditor)
    page = client.get("/admin/audits/finding/").content.decode()
    assert mine.id_number not in page
    assert mine.masked_id_number in page
    assert client.get(f"/admin/audits/finding/{mine.pk}/change/").status_code == 200
    assert client.post(f"/admin/audits/finding/{mine.pk}/change/", {}).status_code == 403
    assert client.get("/admin/audits/finding/add/").status_code == 403


def test_household_page_shows_the_ledgers_view_beside_ours(client, caseworker_sunwu, household_sunwu, import_ledger):
    head, son = household_sunwu.members.order_by("id")
    rows = ledger_rows_for(household_sunwu, number="L-9", poverty_status="已脱贫", exit_year=2019)
    rows[1]["name"] = "王晓明"
    rows.append(ledger_row(household_number="L-9", name="王奶奶", relationship="之母"))
    import_ledger(rows)
    client.force_login(caseworker_sunwu)
    response = client.get(f"/households/{household_sunwu.pk}/")
    page = response.content.decode()
    assert 'data-testid="ledger-view"' in page
    assert "王晓明" in page
    assert "name differs" in page
    assert "王奶奶" in page  # in the ledger household, not in ours
    assert "L-9" in page
    lines = response.context["ledger_lines"]
    assert [(line.member and line.member.name, line.record.name) for line in lines] == [
        (head.name, head.name),
        (son.name, "王晓明"),
        (None, "王奶奶"),
    ]


def test_household_list_and_admin_show_registered_poor_and_out_of_poverty(
    client, caseworker_sunwu, bureau_reviewer, household_sunwu, import_ledger
):
    import_ledger(ledger_rows_for(household_sunwu, number="L-9", poverty_status="已脱贫", exit_year=2019))
    client.force_login(caseworker_sunwu)
    assert "Out of poverty" in client.get("/households/").content.decode()
    client.force_login(bureau_reviewer)
    assert "Out of poverty" in client.get("/admin/households/household/").content.decode()


def test_household_page_without_ledger_records_says_so(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    page = client.get(f"/households/{household_sunwu.pk}/").content.decode()
    assert "Nobody of this household is on the registered-poor ledger." in page

"""Every page and answer that shows full ID numbers or health data writes one access-log row per
request (a list: one row naming everything shown); masked pages write none."""

import pytest
from django.urls import reverse
from django.utils import translation

from audits.models import Finding
from audits.services import reconciliation_run
from households import services
from households.models import LedgerRecord
from sunwu_relief.authz import system
from sunwu_relief.models import AccessLog
from tests.audits.conftest import ledger_rows_for
from tests.conftest import member_data, new_id_number
from tests.ledger_builders import ledger_row


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def findings(household_sunwu, household_chenqing, import_ledger) -> list[Finding]:
    import_ledger(ledger_rows_for(household_sunwu, number="L-S") + ledger_rows_for(household_chenqing, number="L-C"))
    reconciliation_run(actor=system("test"))
    return list(Finding.objects.exclude(id_number="").order_by("pk"))


def only_row() -> AccessLog:
    rows = list(AccessLog.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def token_get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data or {})


# --- UI -----------------------------------------------------------------------------------------


def test_finding_detail_with_the_full_number_is_logged(client, caseworker_sunwu, findings):
    mine = next(f for f in findings if f.township_id == caseworker_sunwu.staff_profile.township_id)
    body = token_get(client, caseworker_sunwu, reverse("audits:finding", args=[mine.pk])).content.decode()
    assert mine.id_number in body
    row = only_row()
    assert (row.user, row.channel, row.object_type, row.object_id) == (
        caseworker_sunwu,
        "ui",
        "audits.finding",
        str(mine.pk),
    )
    assert row.full_id_numbers is True


def test_finding_detail_masked_for_the_auditor_is_not_logged(client, auditor, findings):
    response = token_get(client, auditor, reverse("audits:finding", args=[findings[0].pk]))
    assert findings[0].id_number not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_member_edit_form_shows_the_full_number_and_health_data_and_is_logged(
    client, caseworker_sunwu, household_sunwu
):
    son = household_sunwu.members.get(relationship="son")
    response = token_get(client, caseworker_sunwu, reverse("households:member-edit", args=[son.pk]))
    assert son.id_number in response.content.decode()
    row = only_row()
    assert (row.object_type, row.object_id, row.full_id_numbers, row.health_data) == (
        "households.member",
        str(son.pk),
        True,
        True,
    )


# --- API ----------------------------------------------------------------------------------------


def test_findings_api_page_is_one_row_naming_every_finding(client, poverty_office, findings):
    body = token_get(client, poverty_office, "/api/v1/reconciliation/findings/").json()
    shown = [str(item["id"]) for item in body["results"]]
    assert {item["id_number"] for item in body["results"]} >= {findings[0].id_number}
    row = only_row()
    assert (row.channel, row.object_type, row.object_id) == ("api", "audits.finding", "")
    assert row.object_ids == shown


def test_findings_api_masked_for_the_auditor_is_not_logged(client, auditor, findings):
    token_get(client, auditor, "/api/v1/reconciliation/findings/")
    assert not AccessLog.objects.exists()


def test_assistance_status_of_one_person_is_logged(client, poverty_office, household_sunwu):
    head = household_sunwu.members.get(relationship="head")
    response = token_get(client, poverty_office, f"/api/v1/assistance-status/{head.id_number}/")
    assert response.status_code == 200
    row = only_row()
    assert (row.channel, row.object_type, row.object_ids, row.full_id_numbers) == (
        "api",
        "households.member",
        [str(head.pk)],
        True,
    )


def test_bulk_assistance_status_is_one_row_naming_members_and_ledger_records(
    client, poverty_office, household_sunwu, import_ledger
):
    head = household_sunwu.members.get(relationship="head")
    ledger_only = ledger_row()
    import_ledger([ledger_only])
    client.force_login(poverty_office)
    response = client.post(
        "/api/v1/assistance-status/",
        {"id_numbers": [head.id_number, ledger_only["id_number"]]},
        content_type="application/json",
    )
    assert response.status_code == 200
    row = only_row()
    record = LedgerRecord.objects.get(id_number=ledger_only["id_number"])
    assert row.object_type == "mixed"
    assert row.object_ids == [f"households.member:{head.pk}", f"households.ledgerrecord:{record.pk}"]


def test_an_unknown_person_writes_no_access_row(client, poverty_office, db):
    assert token_get(client, poverty_office, f"/api/v1/assistance-status/{new_id_number()}/").status_code == 404
    assert not AccessLog.objects.exists()


# --- admin --------------------------------------------------------------------------------------


def test_admin_member_list_is_one_row_naming_the_page(client, bureau_reviewer, household_sunwu, household_chenqing):
    body = token_get(client, bureau_reviewer, reverse("admin:households_member_changelist")).content.decode()
    members = [*household_sunwu.members.all(), *household_chenqing.members.all()]
    assert all(m.id_number in body for m in members)
    row = only_row()
    assert (row.channel, row.object_type, row.full_id_numbers) == ("admin", "households.member", True)
    assert sorted(row.object_ids) == sorted(str(m.pk) for m in members)


@pytest.mark.parametrize("view", ["change", "history"])
def test_admin_member_change_and_history_pages_are_logged(
    client, bureau_reviewer, caseworker_sunwu, household_sunwu, view
):
    son = household_sunwu.members.get(relationship="son")
    services.member_update(
        actor=caseworker_sunwu,
        member=son,
        data=member_data(name="王小明", relationship="son", id_number=son.id_number, serious_illness=True),
    )
    response = token_get(client, bureau_reviewer, reverse(f"admin:households_member_{view}", args=[son.pk]))
    assert response.status_code == 200
    row = only_row()
    assert (row.object_type, row.object_id, row.full_id_numbers) == ("households.member", str(son.pk), True)
    assert row.health_data is (view == "history")


def test_admin_member_list_for_the_auditor_is_masked_and_not_logged(client, auditor, household_sunwu):
    token_get(client, auditor, reverse("admin:households_member_changelist"))
    assert not AccessLog.objects.exists()


def test_admin_finding_list_and_change_page_are_logged(client, bureau_reviewer, findings):
    token_get(client, bureau_reviewer, reverse("admin:audits_finding_changelist"))
    row = only_row()
    assert (row.object_type, row.full_id_numbers) == ("audits.finding", True)
    assert sorted(row.object_ids) == sorted(str(f.pk) for f in Finding.objects.all())
    before = AccessLog.objects.count()
    client.get(reverse("admin:audits_finding_change", args=[findings[0].pk]))
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.order_by("-id").first().object_id == str(findings[0].pk)


def test_admin_household_list_shows_no_id_and_is_not_logged(client, bureau_reviewer, household_sunwu):
    token_get(client, bureau_reviewer, reverse("admin:households_household_changelist"))
    assert not AccessLog.objects.exists()

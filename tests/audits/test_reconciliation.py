"""Ledger reconciliation (docs/rules.md, docs/interfaces.md §4): every kind of finding with the records
involved, nothing found twice, resolved by people with a note, cleared and reopened."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from audits.models import Finding, FindingEvent, FindingKind, FindingStatus, Resolution
from audits.rules import same_name
from audits.services import finding_resolve, reconciliation_run
from households.ledger import ledger_import_rows
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from sunwu_relief.models import AuditEvent, Job
from tests.audits.conftest import finding_writes, ledger_rows_for
from tests.conftest import new_id_number
from tests.ledger_builders import ledger_row


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def findings(kind: str) -> list[Finding]:
    return list(Finding.objects.filter(kind=kind).order_by("id"))


def test_each_kind_of_finding_is_found_with_the_records_involved(county, township_sunwu, township_chenqing):
    result = reconciliation_run(actor=system("test"))
    assert result.new == {
        FindingKind.NOT_COVERED: 3,  # not_covered, the split ledger household, the ledger-only one
        FindingKind.COVERED_OUT_OF_POVERTY: 1,
        FindingKind.IDENTITY_MISMATCH: 1,
        FindingKind.HOUSEHOLD_MISMATCH: 2,
        FindingKind.NOT_REGISTERED: 1,
    }
    not_covered = {f.ledger_household_number: f for f in findings(FindingKind.NOT_COVERED)}
    assert not_covered["L-NOT-COVERED"].household == county["not_covered"]
    assert not_covered["L-NOT-COVERED"].township == township_sunwu
    assert not_covered["L-NOT-COVERED"].name == "王大山"
    assert not_covered["L-LEDGER-ONLY"].household is None
    assert not_covered["L-LEDGER-ONLY"].township == township_chenqing
    assert [p["our_household"] for p in not_covered["L-NOT-COVERED"].detail["persons"]] == [
        county["not_covered"].number
    ]
    assert "*" in not_covered["L-NOT-COVERED"].detail["persons"][0]["id_number"]  # masked inside the detail

    (out,) = findings(FindingKind.COVERED_OUT_OF_POVERTY)
    assert out.household == county["out"]
    assert out.ledger_household_number == "L-OUT"
    assert out.detail["programmes"][0]["programme"] == "dibao"
    assert out.detail["out_of_poverty"][0]["exit_year"] == 2019

    (renamed,) = findings(FindingKind.IDENTITY_MISMATCH)
    assert renamed.household == county["renamed"]
    assert renamed.detail == {"ledger_name": "王大仙", "our_name": "王大山"}

    ledger_side, ours_side = sorted(findings(FindingKind.HOUSEHOLD_MISMATCH), key=lambda f: f.detail["spread"])
    assert ledger_side.detail["spread"] == "ledger_household_over_ours"
    assert {h["id"] for h in ledger_side.detail["our_households"]} == {county["split_a"].pk, county["split_b"].pk}
    assert ours_side.detail["spread"] == "our_household_over_ledger"
    assert ours_side.household == county["merged"]
    assert ours_side.detail["ledger_households"] == ["L-MERGED-1", "L-MERGED-2"]

    (not_registered,) = findings(FindingKind.NOT_REGISTERED)
    assert not_registered.household == county["not_registered"]
    assert not_registered.township == township_chenqing
    assert not Finding.objects.filter(household=county["in_order"]).exists()


def test_running_again_finds_nothing_twice(county):
    reconciliation_run(actor=system("test"))
    count = Finding.objects.count()
    again = reconciliation_run(actor=system("test"))
    assert again.new == {}
    assert again.reopened == 0
    assert again.cleared == 0
    assert Finding.objects.count() == count
    assert FindingEvent.objects.filter(action="found").count() == count


def test_running_again_unchanged_writes_no_finding_and_shows_the_run_as_last_found(county, caseworker_sunwu):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits.selectors import finding_last_found

    reconciliation_run(actor=system("test"))
    with CaptureQueriesContext(connection) as queries:
        reconciliation_run(actor=system("test"))
    assert finding_writes(queries) == []
    finding = Finding.objects.get(kind=FindingKind.NOT_COVERED, ledger_household_number="L-NOT-COVERED")
    last_run = (
        AuditEvent.objects.filter(action="reconciliation.run").order_by("-created").values_list("created", flat=True)
    )[0]
    assert finding_last_found(finding) == last_run  # present: found by the last run, not written again


def test_the_run_takes_the_same_queries_however_many_findings(county, make_household, caseworker_sunwu, import_ledger):
    """The run's queries do not grow with the people, the benefits or the findings."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reconciliation_run(actor=system("test"))
    with CaptureQueriesContext(connection) as few:
        reconciliation_run(actor=system("test"))
    more = [make_household(caseworker_sunwu) for _ in range(4)]
    import_ledger([row for i, h in enumerate(more) for row in ledger_rows_for(h, number=f"L-MORE-{i}")])
    reconciliation_run(actor=system("test"))  # finds the new ones
    with CaptureQueriesContext(connection) as many:
        reconciliation_run(actor=system("test"))
    assert Finding.objects.filter(ledger_household_number__startswith="L-MORE-").count() == 4
    assert len(many) == len(few)


def test_a_resolved_finding_stays_resolved_while_it_is_still_found(county, caseworker_sunwu):
    reconciliation_run(actor=system("test"))
    finding = Finding.objects.get(kind=FindingKind.NOT_COVERED, ledger_household_number="L-NOT-COVERED")
    finding_resolve(actor=caseworker_sunwu, finding=finding, resolution=Resolution.CHECK, note="入户核实，收入超标。")
    reconciliation_run(actor=system("test"))
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED
    assert finding.resolution == Resolution.CHECK
    assert finding.resolved_by == caseworker_sunwu
    assert finding.note == "入户核实，收入超标。"


def test_a_finding_that_goes_is_cleared_and_reopened_when_it_comes_back(county, caseworker_sunwu, import_ledger):
    reconciliation_run(actor=system("test"))
    renamed = Finding.objects.get(kind=FindingKind.IDENTITY_MISMATCH)
    # Checked against the 户口本: our name is right (a "correct" would rename our member).
    finding_resolve(actor=caseworker_sunwu, finding=renamed, resolution=Resolution.CHECK, note="户口本为王大山。")
    head = county["renamed"].members.get(relationship="head")
    rows = ledger_rows_for(county["renamed"], number="L-RENAMED")
    import_ledger(rows)  # the ledger now has 王大山 too
    result = reconciliation_run(actor=system("test"))
    renamed.refresh_from_db()
    assert not renamed.present
    assert renamed.status == FindingStatus.RESOLVED
    assert renamed.resolution == Resolution.CHECK
    assert result.cleared == 0  # it had been resolved by a person: nothing to clear
    import_ledger([{**row, "name": "王大仙"} if row["id_number"] == head.id_number else row for row in rows])
    result = reconciliation_run(actor=system("test"))
    renamed.refresh_from_db()
    assert result.reopened == 1
    assert renamed.status == FindingStatus.OPEN
    assert renamed.present
    assert renamed.reopened_count == 1
    assert renamed.resolution == ""
    assert renamed.note == ""
    assert list(renamed.events.values_list("action", flat=True)) == ["found", "resolved", "reopened"]


def test_an_open_finding_that_goes_is_cleared_by_reconciliation(county, cover):
    reconciliation_run(actor=system("test"))
    cover(county["not_covered"])
    result = reconciliation_run(actor=system("test"))
    finding = Finding.objects.get(kind=FindingKind.NOT_COVERED, ledger_household_number="L-NOT-COVERED")
    assert result.cleared == 1
    assert finding.status == FindingStatus.RESOLVED
    assert finding.resolution == Resolution.CLEARED
    assert finding.resolved_by is None


def test_removed_registrations_are_not_reconciled(county, import_ledger):
    reconciliation_run(actor=system("test"))
    keep = ledger_rows_for(county["in_order"], number="L-IN-ORDER")
    import_ledger(keep, replace=True)
    result = reconciliation_run(actor=system("test"))
    assert result.open[FindingKind.NOT_COVERED] == 0
    assert result.open[FindingKind.NOT_REGISTERED] == 4  # every covered household but the one kept


def test_a_resolution_needs_a_known_kind_and_a_note(county, caseworker_sunwu):
    reconciliation_run(actor=system("test"))
    finding = Finding.objects.get(kind=FindingKind.NOT_COVERED, ledger_household_number="L-NOT-COVERED")
    with pytest.raises(InvalidInput) as exc:
        finding_resolve(actor=caseworker_sunwu, finding=finding, resolution="cleared", note=" ")
    assert set(exc.value.field_errors) == {"resolution", "note"}
    finding_resolve(actor=caseworker_sunwu, finding=finding, resolution=Resolution.INCLUDE, note="已受理低保申请。")
    with pytest.raises(WorkflowError):
        finding_resolve(actor=caseworker_sunwu, finding=finding, resolution=Resolution.INCLUDE, note="again")


def test_findings_of_another_township_cannot_be_resolved(county, caseworker_chenqing):
    reconciliation_run(actor=system("test"))
    finding = Finding.objects.get(kind=FindingKind.NOT_COVERED, ledger_household_number="L-NOT-COVERED")
    with pytest.raises(OutOfScope):
        finding_resolve(actor=caseworker_chenqing, finding=finding, resolution=Resolution.CHECK, note="x")


@pytest.mark.parametrize("persona", ["auditor", "poverty_office"])
def test_reading_roles_cannot_resolve(request, county, persona):
    reconciliation_run(actor=system("test"))
    finding = Finding.objects.get(kind=FindingKind.NOT_COVERED, ledger_household_number="L-NOT-COVERED")
    with pytest.raises(NotAllowed):
        finding_resolve(actor=request.getfixturevalue(persona), finding=finding, resolution=Resolution.CHECK, note="x")


def test_the_bureau_may_resolve_any_township(county, bureau_reviewer):
    reconciliation_run(actor=system("test"))
    finding = Finding.objects.get(kind=FindingKind.NOT_REGISTERED)
    finding_resolve(actor=bureau_reviewer, finding=finding, resolution=Resolution.CHECK, note="尚未建档，仅供参考。")


def test_reconcile_command_prints_the_count_of_each_finding(county):
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["finding", "open", "new"]
    assert "not_covered                   3      3" in lines
    assert "covered_out_of_poverty        1      1" in lines
    assert "identity_mismatch             1      1" in lines
    assert "household_mismatch            2      2" in lines
    assert "not_registered                1      1" in lines
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    assert "not_covered                   3      0" in out.getvalue().splitlines()


def test_reconciliation_runs_after_a_successful_import_only(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ledger_import_rows([ledger_row(relationship="?")], actor=system("test"))
    assert not Job.objects.filter(kind="reconciliation").exists()
    with django_capture_on_commit_callbacks(execute=True):
        ledger_import_rows([ledger_row()], actor=system("test"))
    job = Job.objects.get(kind="reconciliation")
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts["new"] == {FindingKind.NOT_COVERED: 1}
    assert Finding.objects.get().kind == FindingKind.NOT_COVERED


def test_dry_run_does_not_reconcile(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ledger_import_rows([ledger_row()], actor=system("test"), dry_run=True)
    assert callbacks == []


def test_nightly_reconciliation_is_registered_with_beat(db):
    task = PeriodicTask.objects.get(task="audits.tasks.reconcile_ledger")
    assert task.enabled
    assert task.crontab.hour == "2"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("阿依古丽·买买提", "阿依古丽•买买提", True),
        ("王 大山", "王大山", True),
        ("王大山", "王大仙", False),
        ("ＡＢ", "AB", True),
    ],
)
def test_names_are_compared_as_people_write_them(a, b, same):
    assert same_name(a, b) is same


def test_the_ledger_only_person_is_reconciled_without_our_registry(db, township_chenqing):
    ledger_import_rows(
        [ledger_row(township="辰清镇", village="春青村", id_number=new_id_number())], actor=system("test")
    )
    reconciliation_run(actor=system("test"))
    finding = Finding.objects.get()
    assert finding.household is None
    assert finding.township == township_chenqing

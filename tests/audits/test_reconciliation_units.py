"""Reconciliation by parts (audits/services/reconciliation_units.py): a run computes only the ledger
households and our households whose inputs changed, and finds exactly what a run computing
everything finds; a run with nothing changed reads no finding and writes nothing."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import Finding, FindingKind, ReconciliationUnit
from audits.services import find_discrepancies, reconciliation_run
from audits.services import reconciliation as reconciliation_module
from audits.services.reconciliation_units import VERSION, unit_changes
from households.models import Household, Member
from sunwu_relief.authz import system
from tests.audits.conftest import finding_writes, ledger_rows_for
from tests.ledger_builders import ledger_row

pytestmark = pytest.mark.django_db
ACTOR = system("test")
ON_POSTGRESQL = connection.vendor == "postgresql"
RECORDED = ("kind", "id_number", "name", "household_id", "ledger_household_number", "township_id", "detail", "unit")


def snapshot() -> dict:
    return {
        row[0]: row[1:]
        for row in Finding.objects.values_list("key", *RECORDED, "status", "present", "reopened_count", "last_found")
    }


def all_units() -> set[str]:
    """Every part of the county now: its ledger households and our households (found or not)."""
    from households.models import LedgerRecord

    units = {f"L:{n}" for n in LedgerRecord.objects.filter(removed=False).values_list("household_number", flat=True)}
    return units | {f"H:{pk}" for pk in Member.objects.values_list("household_id", flat=True)}


def test_the_findings_of_some_parts_are_those_the_whole_comparison_finds_there(county):
    """Restricted to any parts, the pass finds the whole pass's findings of those parts, no more."""
    everything = find_discrepancies()
    units = all_units()
    assert {f.unit for f in everything.values()} <= units
    choices = [{unit} for unit in sorted(units)]
    choices += [{u for u in units if u.startswith("L:")}, {u for u in units if u.startswith("H:")}, units]
    for chosen in choices:
        expected = {key: found for key, found in everything.items() if found.unit in chosen}
        assert find_discrepancies(chosen) == expected, chosen


def test_every_finding_is_recorded_with_its_part(county):
    reconciliation_run(actor=ACTOR)
    renamed = county["renamed"]
    units = dict(Finding.objects.values_list("kind", "unit").filter(household=renamed))
    assert units == {FindingKind.IDENTITY_MISMATCH: "L:L-RENAMED"}
    assert Finding.objects.get(kind=FindingKind.NOT_REGISTERED).unit == f"H:{county['not_registered'].pk}"
    assert not Finding.objects.filter(unit="").exists()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the parts' fingerprints are computed by PostgreSQL")
def test_only_the_parts_whose_inputs_changed_are_computed_again(county, import_ledger, cover):
    reconciliation_run(actor=ACTOR)
    assert unit_changes(("dibao", "tekun")) == {}
    assert ReconciliationUnit.objects.filter(fingerprint__startswith=f"{VERSION}:").count() == len(all_units())
    head = county["in_order"].members.get(relationship="head")
    rows = ledger_rows_for(county["in_order"], number="L-IN-ORDER")
    import_ledger([{**row, "name": "王大仙"} if row["id_number"] == head.id_number else row for row in rows])
    # The ledger household, and ours its person belongs to.
    assert set(unit_changes(("dibao", "tekun"))) == {"L:L-IN-ORDER", f"H:{county['in_order'].pk}"}
    reconciliation_run(actor=ACTOR)
    cover(county["not_covered"])
    # Covered: our household's part only (its ledger household is computed with it, see below).
    assert set(unit_changes(("dibao", "tekun"))) == {f"H:{county['not_covered'].pk}"}


def test_a_changed_ledger_row_gives_exactly_the_findings_a_whole_run_gives(county, import_ledger):
    reconciliation_run(actor=ACTOR)
    before = snapshot()
    head = county["in_order"].members.get(relationship="head")
    rows = ledger_rows_for(county["in_order"], number="L-IN-ORDER")
    import_ledger([{**row, "name": "王大仙"} if row["id_number"] == head.id_number else row for row in rows])
    with CaptureQueriesContext(connection) as queries:
        result = reconciliation_run(actor=ACTOR)
    assert result.new == {FindingKind.IDENTITY_MISMATCH: 1}
    after = snapshot()
    (new_key,) = set(after) - set(before)
    assert new_key == f"{FindingKind.IDENTITY_MISMATCH}:{head.id_number}"
    assert {key: after[key] for key in before} == before  # no other finding touched
    writes = finding_writes(queries)
    assert len(writes) == 2  # the finding and its "found" event
    assert not [sql for sql in writes if sql.startswith("UPDATE")]
    # A run that computes every part again finds the same and writes nothing.
    ReconciliationUnit.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        reconciliation_run(actor=ACTOR)
    assert finding_writes(queries) == []
    assert snapshot() == after


def test_after_any_change_the_findings_are_those_of_a_whole_run(county, import_ledger, cover, caseworker_chenqing):
    """New, changed, cleared and reopened findings by parts, each compared with a whole run."""
    from django.utils import timezone

    from households.services import member_remove

    reconciliation_run(actor=ACTOR)
    renamed_head = county["renamed"].members.get(relationship="head")
    renamed_rows = ledger_rows_for(county["renamed"], number="L-RENAMED")

    def fix_the_name():
        import_ledger(renamed_rows)  # the identity mismatch goes

    def break_the_name_again():
        import_ledger(
            [{**r, "name": "王大仙"} if r["id_number"] == renamed_head.id_number else r for r in renamed_rows]
        )

    def cover_the_not_covered():
        cover(county["not_covered"])

    def add_ledger_people():
        import_ledger([ledger_row(household_number="L-NEW", township="辰清镇", village="春青村")])

    def remove_a_member():
        son = county["merged"].members.get(relationship="son")
        member_remove(
            actor=caseworker_chenqing, member=son, reason="moved_away", removed_on=timezone.localdate(), note="迁出"
        )

    def renumber_a_household():
        # Shown in the ledger household's finding; an input of our household's part only.
        Household.objects.filter(pk=county["split_a"].pk).update(number="RENUMBERED-1")

    def drop_ledger_households():
        kept = [r for h in ("in_order", "out", "renamed") for r in ledger_rows_for(county[h], number=f"L-{h}")]
        import_ledger(kept, replace=True)

    results = {}
    for step in (
        fix_the_name,
        break_the_name_again,
        cover_the_not_covered,
        add_ledger_people,
        remove_a_member,
        renumber_a_household,
        drop_ledger_households,
    ):
        step()
        result = results[step.__name__] = reconciliation_run(actor=ACTOR)
        by_parts = snapshot()
        ReconciliationUnit.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            whole = reconciliation_run(actor=ACTOR)
        assert finding_writes(queries) == [], step.__name__
        assert snapshot() == by_parts, step.__name__
        assert (whole.new, whole.cleared, whole.reopened) == ({}, 0, 0), step.__name__
        assert whole.open == result.open, step.__name__
    assert (results["fix_the_name"].cleared, results["break_the_name_again"].reopened) == (1, 1)
    assert results["cover_the_not_covered"].cleared == 1
    assert not Finding.objects.get(kind=FindingKind.IDENTITY_MISMATCH).present
    assert results["renumber_a_household"].new == {}


def _unchanged_run_queries() -> int:
    reconciliation_run(actor=ACTOR)
    with CaptureQueriesContext(connection) as queries:
        result = reconciliation_run(actor=ACTOR)
    assert (result.new, result.cleared) == ({}, 0)
    assert finding_writes(queries) == []
    return len(queries)


def test_an_unchanged_run_takes_the_same_queries_for_10_and_50_persons(db, import_ledger):
    import_ledger([ledger_row(household_number=f"L-{i:03}", township="辰清镇", village="春青村") for i in range(10)])
    few = _unchanged_run_queries()
    import_ledger(
        [ledger_row(household_number=f"L-{i:03}", township="辰清镇", village="春青村") for i in range(10, 50)]
    )
    many = _unchanged_run_queries()
    assert Finding.objects.filter(kind=FindingKind.NOT_COVERED).count() == 50
    assert many == few


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the parts' fingerprints are computed by PostgreSQL")
def test_an_unchanged_run_reads_no_finding(county, django_assert_num_queries):
    reconciliation_run(actor=ACTOR)
    # Savepoint, the run's lock, the parts' fingerprints, the open counts, the run's audit
    # event, release: no finding, ledger record or member is read row by row.
    with django_assert_num_queries(6) as queries:
        reconciliation_run(actor=ACTOR)
    assert not [q["sql"] for q in queries if 'FROM "audits_finding"' in q["sql"] and "COUNT" not in q["sql"]]


def test_more_changed_parts_than_the_limit_computes_everything(county, import_ledger, monkeypatch):
    reconciliation_run(actor=ACTOR)
    monkeypatch.setattr(reconciliation_module, "FULL_PASS", 0)
    head = county["in_order"].members.get(relationship="head")
    rows = ledger_rows_for(county["in_order"], number="L-IN-ORDER")
    import_ledger([{**row, "name": "王大仙"} if row["id_number"] == head.id_number else row for row in rows])
    result = reconciliation_run(actor=ACTOR)
    assert result.new == {FindingKind.IDENTITY_MISMATCH: 1}


def test_the_migration_gives_existing_findings_their_parts(county):
    reconciliation_run(actor=ACTOR)
    expected = dict(Finding.objects.values_list("key", "unit"))
    Finding.objects.update(unit="")
    migration = importlib.import_module("audits.migrations.0008_reconciliation_units")
    migration.units_of_existing_findings(apps, None)
    assert dict(Finding.objects.values_list("key", "unit")) == expected
    # The first run afterwards (no part known yet) computes everything and rewrites no finding.
    with CaptureQueriesContext(connection) as queries:
        reconciliation_run(actor=ACTOR)
    assert finding_writes(queries) == []

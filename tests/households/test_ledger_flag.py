"""`Member.on_ledger` (the registered-poor flag the dashboard counts) is kept right by every writer:
the ledger import (new, removed, back), each member write (a new member, a changed ID number, a
move, a removal), the registration of a ledger family from a finding, and the migration that
filled it. After each, the flag equals its definition (a record of the ID number, not removed)
and the dashboard's count of registered-poor households is the one a join gives."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db.models import Exists, OuterRef

from audits.models import Finding, FindingKind
from audits.services import finding_resolve, reconciliation_run
from households import services
from households.models import Household, LedgerRecord, Member
from households.selectors import household_totals
from sunwu_relief.authz import system
from tests.conftest import member_data, new_id_number
from tests.ledger_builders import ledger_row

SYSTEM = system("test")


def _flag_is_its_definition() -> None:
    record = Exists(LedgerRecord.objects.filter(id_number=OuterRef("id_number"), removed=False))
    wrong = Member.all_objects.annotate(want=record).exclude(on_ledger=record)
    assert list(wrong.values_list("name", "on_ledger")) == []


def _registered_poor_by_join(user) -> int:
    from households.selectors import households_for

    on_ledger = LedgerRecord.objects.filter(removed=False).values("id_number")
    return (
        households_for(user)
        .filter(Exists(Member.objects.filter(household=OuterRef("pk"), id_number__in=on_ledger)))
        .count()
    )


def _check(*users) -> None:
    _flag_is_its_definition()
    for user in users:
        assert household_totals(user)["registered_poor"] == _registered_poor_by_join(user)


def _import(rows, **kwargs):
    result = services.ledger_import_rows(rows, actor=SYSTEM, **kwargs)
    assert result.succeeded, [str(e) for e in result.errors]


def test_the_ledger_import_sets_and_clears_the_flag(make_household, caseworker_sunwu, bureau_reviewer):
    first = make_household(caseworker_sunwu)
    second = make_household(caseworker_sunwu, head=member_data(name="李二", relationship="head"))
    head1, head2 = first.members.get(), second.members.get()
    _import([ledger_row(id_number=head1.id_number), ledger_row(id_number=head2.id_number, household_number="L-2")])
    assert set(Member.objects.filter(on_ledger=True).values_list("pk", flat=True)) == {head1.pk, head2.pk}
    assert household_totals(bureau_reviewer)["registered_poor"] == 2
    _check(caseworker_sunwu, bureau_reviewer)
    # Replaced by a ledger without the second head: removed from it, the flag cleared.
    _import([ledger_row(id_number=head1.id_number)], replace=True)
    assert household_totals(bureau_reviewer)["registered_poor"] == 1
    _check(caseworker_sunwu, bureau_reviewer)
    # Back on the ledger (the record un-removed).
    _import([ledger_row(id_number=head1.id_number), ledger_row(id_number=head2.id_number, household_number="L-2")])
    assert household_totals(caseworker_sunwu)["registered_poor"] == 2
    _check(caseworker_sunwu, bureau_reviewer)


def test_a_dry_run_import_changes_no_flag(make_household, caseworker_sunwu, bureau_reviewer):
    head = make_household(caseworker_sunwu).members.get()
    services.ledger_import_rows([ledger_row(id_number=head.id_number)], actor=SYSTEM, dry_run=True)
    assert not Member.objects.filter(on_ledger=True).exists()
    _check(bureau_reviewer)


def test_member_writes_keep_the_flag(make_household, caseworker_sunwu, bureau_reviewer):
    on_ledger = new_id_number(born="19700101")
    _import([ledger_row(id_number=on_ledger)])
    # A new household whose head is on the ledger.
    household = make_household(
        caseworker_sunwu, head=member_data(name="王大山", relationship="head", id_number=on_ledger)
    )
    head = household.members.get()
    assert Member.objects.get(pk=head.pk).on_ledger
    _check(caseworker_sunwu, bureau_reviewer)
    # Its ID number corrected to one the ledger does not have: off.
    services.member_update(
        actor=caseworker_sunwu,
        member=head,
        data=member_data(name="王大山", relationship="head", id_number=new_id_number(born="19700102")),
    )
    assert not Member.objects.get(pk=head.pk).on_ledger
    _check(caseworker_sunwu, bureau_reviewer)
    # A member added with the ledger's ID number: the household is registered poor again.
    son = services.member_add(
        actor=caseworker_sunwu,
        household=household,
        data=member_data(name="王小", relationship="son", id_number=on_ledger),
    )
    assert Member.objects.get(pk=son.pk).on_ledger
    assert household_totals(caseworker_sunwu)["registered_poor"] == 1
    _check(caseworker_sunwu, bureau_reviewer)
    # Moved to another household: that one is registered poor now, the first not.
    other = make_household(caseworker_sunwu, head=member_data(name="赵三", relationship="head"))
    services.member_move(actor=caseworker_sunwu, member=son, to_household=other, relationship="son", reason="随父")
    assert Member.objects.get(pk=son.pk).on_ledger
    assert household_totals(bureau_reviewer)["registered_poor"] == 1
    _check(caseworker_sunwu, bureau_reviewer)
    # Removed from the household: not counted (a former member), whatever the ledger says.
    services.member_remove(
        actor=caseworker_sunwu, member=son, reason="death", removed_on=datetime.date(2026, 1, 5), note=""
    )
    assert household_totals(bureau_reviewer)["registered_poor"] == 0
    _check(caseworker_sunwu, bureau_reviewer)


def test_a_household_registered_from_a_finding_is_registered_poor(caseworker_sunwu, bureau_reviewer):
    _import([ledger_row(household_number="L-NEW", name="赵新户", household_size=1)])
    reconciliation_run(actor=SYSTEM)
    finding = Finding.objects.get(kind=FindingKind.NOT_COVERED)
    finding = finding_resolve(actor=caseworker_sunwu, finding=finding, resolution="include", note="新纳入")
    household = Household.objects.get(pk=finding.household_id)
    assert household.members.get().on_ledger
    assert household_totals(caseworker_sunwu)["registered_poor"] == 1
    _check(caseworker_sunwu, bureau_reviewer)


@pytest.mark.parametrize("on", [True, False])
def test_the_migration_fills_the_flag(make_household, caseworker_sunwu, bureau_reviewer, on):
    head = make_household(caseworker_sunwu).members.get()
    _import([ledger_row(id_number=head.id_number if on else new_id_number())])
    Member.all_objects.update(on_ledger=False)  # as before the migration
    migration = importlib.import_module("households.migrations.0007_member_on_ledger")
    migration.fill(apps, None)
    assert Member.objects.get(pk=head.pk).on_ledger is on
    _check(caseworker_sunwu, bureau_reviewer)


@pytest.mark.parametrize("persona", ["caseworker_sunwu", "bureau_reviewer"])
def test_the_dashboard_queries_do_not_grow_with_the_registered_poor(persona, request, make_household, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    caseworker = request.getfixturevalue("caseworker_sunwu")
    user = request.getfixturevalue(persona)
    client.force_login(user)

    def registered(n: int) -> int:
        heads = [make_household(caseworker, head=member_data(name="王大山", relationship="head")) for _ in range(n)]
        rows = [ledger_row(id_number=h.members.get().id_number, household_number=f"L-{h.pk}") for h in heads]
        _import(rows)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard"))
        assert response.status_code == 200
        assert response.context["totals"]["registered_poor"] == household_totals(user)["registered_poor"]
        return len(queries)

    few = registered(3)
    assert household_totals(user)["registered_poor"] == 3
    assert registered(9) == few
    assert household_totals(user)["registered_poor"] == 12
    _check(user)

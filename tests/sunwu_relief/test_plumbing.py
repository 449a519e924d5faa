"""The base app's plumbing every service uses: the clock, require() with the system actor, locks."""

import datetime

import pytest
from django.db import connection, transaction
from django.http import Http404

from households.models import Household
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import is_system, require, system, user_or_none
from sunwu_relief.errors import NotAllowed, OutOfScope
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.models import AuditEvent
from sunwu_relief.roles import Role
from sunwu_relief.ui import object_or_404


def test_clock_frozen_at_restores_what_was_before():
    real = clock.today()
    with clock.frozen_at(datetime.date(2025, 3, 4)):
        assert clock.today() == datetime.date(2025, 3, 4)
        assert clock.current_month() == datetime.date(2025, 3, 1)
        with clock.frozen_at(datetime.date(2025, 5, 6)):
            assert clock.today() == datetime.date(2025, 5, 6)
        assert clock.today() == datetime.date(2025, 3, 4)
    assert clock.today() == real


def test_clock_fixture_moves_every_app(clock):
    clock.move_to(datetime.date(2030, 1, 2))
    from sunwu_relief import clock as system_clock

    assert system_clock.today() == datetime.date(2030, 1, 2)


def test_clock_fixture_is_undone_after_the_test():
    assert clock._fixed is None


@pytest.mark.django_db
def test_require_refuses_a_missing_actor():
    with pytest.raises(TypeError):
        require(None)


@pytest.mark.django_db
def test_require_wrong_role_is_403_and_other_township_is_404(caseworker_sunwu, auditor):
    township_id = caseworker_sunwu.staff_profile.township_id
    require(caseworker_sunwu, roles=[Role.CASEWORKER], township_id=township_id)
    with pytest.raises(NotAllowed) as refused:
        require(caseworker_sunwu, roles=[Role.BUREAU_REVIEWER], code="thing.county_only")
    assert refused.value.code == "thing.county_only"
    with pytest.raises(OutOfScope):
        require(caseworker_sunwu, township_id=township_id + 1000)
    # County roles are not bound to a township.
    require(auditor, roles=[Role.AUDITOR], township_id=township_id + 1000)


@pytest.mark.django_db
def test_require_lets_the_system_through_unless_a_person_is_needed():
    actor = system("test:plumbing")
    require(actor, roles=[Role.BUREAU_REVIEWER])
    with pytest.raises(NotAllowed):
        require(actor, allow_system=False)
    assert is_system(actor)
    assert user_or_none(actor) is None
    with pytest.raises(ValueError, match="reason"):
        system("")


@pytest.mark.django_db
def test_system_actor_is_named_in_the_audit_trail():
    event = record_event(actor=system("task:nightly"), action="test.plumbing")
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor is None
    assert event.detail["system"] == "task:nightly"


@pytest.mark.django_db
def test_advisory_lock_takes_only_registered_keys():
    with pytest.raises(TypeError):
        with transaction.atomic():
            advisory_lock(1234)
    with transaction.atomic():
        advisory_lock(LockKey.LEDGER_IMPORT)
        advisory_lock(LockKey.PAYMENT_BATCH, 202612)


def test_lock_keys_are_distinct():
    values = [key.value for key in LockKey]
    assert len(values) == len(set(values))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_advisory_lock_needs_a_transaction_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    with pytest.raises(RuntimeError):
        advisory_lock(LockKey.RECONCILIATION)


@pytest.mark.django_db
def test_object_or_404_answers_not_found_outside_the_queryset(make_household, caseworker_sunwu):
    household = make_household(caseworker_sunwu)
    assert object_or_404(Household.objects.all(), pk=household.pk) == household
    with pytest.raises(Http404):
        object_or_404(Household.objects.none(), pk=household.pk)
    with pytest.raises(Http404):
        object_or_404(Household.objects.all(), pk="not-a-number")


@pytest.mark.django_db
def test_enqueue_task_by_name_runs_the_registered_task(settings, monkeypatch):
    from sunwu_relief import jobs, tasks

    ran = []
    monkeypatch.setattr(tasks.purge_expired_job_files, "delay", lambda *args: ran.append(args))
    jobs.enqueue_task("sunwu_relief.tasks.purge_expired_job_files", 1, 2)
    assert ran == [(1, 2)]
    with pytest.raises(ModuleNotFoundError):
        jobs.enqueue_task("no_such_app.tasks.run")

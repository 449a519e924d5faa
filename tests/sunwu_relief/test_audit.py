"""The audit trail and the access log are append-only; log-ins are recorded, passwords never."""

import pytest
from django.db import transaction
from django.urls import reverse

from sunwu_relief.audit import record_access, record_event
from sunwu_relief.authz import system
from sunwu_relief.models import AccessLog, AuditEvent
from tests.conftest import PASSWORD


@pytest.fixture
def event(db, caseworker_sunwu) -> AuditEvent:
    return record_event(actor=caseworker_sunwu, action="test.event", obj=caseworker_sunwu, note="x")


@pytest.fixture
def access(household_sunwu, caseworker_sunwu) -> AccessLog:
    return record_access(
        user=caseworker_sunwu,
        obj=household_sunwu,
        channel="ui",
        full_id_numbers=True,
        health_data=True,
        ip_address="127.0.0.1",
    )


def test_saved_audit_event_cannot_be_changed(event):
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    event.refresh_from_db()
    assert event.action == "test.event"


@pytest.mark.parametrize("fixture", ["event", "access"])
def test_append_only_rows_cannot_be_deleted_one_by_one(db, request, fixture):
    # `db` is named here so that pytest-django runs this test before the transactional tests,
    # which flush the townships that the migrations load.
    row = request.getfixturevalue(fixture)
    with pytest.raises(PermissionError):
        row.delete()
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("fixture", ["event", "access"])
def test_append_only_tables_refuse_bulk_update_and_delete(db, request, fixture):
    row = request.getfixturevalue(fixture)
    model = type(row)
    with pytest.raises(PermissionError):
        model.objects.filter(pk=row.pk).update(object_id="0")
    with pytest.raises(PermissionError):
        model.objects.all().delete()
    # bulk_update runs in its own atomic block without a savepoint: give it one here.
    with pytest.raises(PermissionError), transaction.atomic():
        model.objects.bulk_update([row], ["object_id"])
    assert model.objects.filter(pk=row.pk, object_id=row.object_id).exists()


def test_saved_access_log_entry_cannot_be_changed(access):
    access.full_id_numbers = False
    with pytest.raises(PermissionError):
        access.save()


def test_opening_without_full_ids_or_health_data_is_not_an_access_log_entry(household_sunwu, caseworker_sunwu):
    entry = record_access(
        user=caseworker_sunwu,
        obj=household_sunwu,
        channel="api",
        full_id_numbers=False,
        health_data=False,
        ip_address=None,
    )
    assert entry is None
    assert not AccessLog.objects.exists()


def test_record_event_keeps_actor_object_township_and_detail(household_sunwu, caseworker_sunwu):
    event = record_event(actor=caseworker_sunwu, action="household.view", obj=household_sunwu, extra=household_sunwu)
    event.refresh_from_db()
    assert event.actor == caseworker_sunwu
    assert (event.object_type, event.object_id) == ("households.household", str(household_sunwu.pk))
    assert event.township_id == household_sunwu.township_id
    assert event.success is True
    assert event.detail == {"extra": household_sunwu.pk}  # models are stored by key, JSON-safe


def test_successful_log_in_is_recorded(client, caseworker_sunwu):
    response = client.post(reverse("login"), {"username": caseworker_sunwu.username, "password": PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login")
    assert event.actor == caseworker_sunwu
    assert event.success is True


def test_failed_log_in_is_recorded_with_the_user_name_and_never_the_password(client, caseworker_sunwu):
    wrong = "wrong-Password-123"
    response = client.post(reverse("login"), {"username": caseworker_sunwu.username, "password": wrong})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="login")
    assert event.success is False
    assert event.actor is None
    assert event.detail["username"] == caseworker_sunwu.username
    assert wrong not in str(event.detail)


def test_log_out_is_recorded(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action="logout", actor=caseworker_sunwu).exists()


def test_five_failed_log_ins_lock_the_account(client, caseworker_sunwu):
    for _ in range(5):
        client.post(reverse("login"), {"username": caseworker_sunwu.username, "password": "wrong-Password-123"})
    response = client.post(reverse("login"), {"username": caseworker_sunwu.username, "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="login", success=True).exists()


def test_staff_role_change_is_audited(caseworker_sunwu, township_chenqing):
    from sunwu_relief.services import staff_assign

    old_township_id = caseworker_sunwu.staff_profile.township_id
    staff_assign(actor=system("test"), user=caseworker_sunwu, role="caseworker", township=township_chenqing)
    event = AuditEvent.objects.filter(action="staff.assign", object_id=str(caseworker_sunwu.pk)).latest("id")
    assert event.detail["township"] == [old_township_id, township_chenqing.pk]
    assert event.detail["role"] == ["caseworker", "caseworker"]

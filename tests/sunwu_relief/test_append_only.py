"""The audit trail and the access log cannot be changed or deleted, not by the ORM and (on
PostgreSQL) not by raw SQL either."""

import pytest
from django.db import DatabaseError, connection, transaction

from sunwu_relief.audit import record_event
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_orm_refuses_to_change_or_delete_an_audit_event():
    event = record_event(actor=None, action="test.append_only")
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's (CI runs this)")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE sunwu_relief_auditevent SET action = 'changed' WHERE id = %s",
        "DELETE FROM sunwu_relief_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_changes_too(statement):
    event = record_event(actor=None, action="test.append_only")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.append_only"

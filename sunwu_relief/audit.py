"""Writers for the audit trail and the access log; one small function per kind of event."""

from typing import Any

from django.db import models

from .models import AccessLog, AuditEvent


def _township_id(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    return getattr(obj, "township_id", None)


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    township_id: int | None = None,
    success: bool = True,
    **detail: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        township_id=township_id if township_id is not None else _township_id(obj),
        success=success,
        detail=_jsonable(detail),
    )


def record_access(
    *, user, obj: models.Model, channel: str, full_id_numbers: bool, health_data: bool, ip_address: str | None
) -> AccessLog | None:
    if not (full_id_numbers or health_data):
        return None
    return AccessLog.objects.create(
        user=user,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        channel=channel,
        full_id_numbers=full_id_numbers,
        health_data=health_data,
        ip_address=ip_address,
    )


def record_list_access(
    *, user, objs: list[models.Model], channel: str, full_id_numbers: bool, ip_address: str | None
) -> int:
    """A list that shows full ID numbers: one entry per object shown, in one insert."""
    if not full_id_numbers or not objs:
        return 0
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            channel=channel,
            full_id_numbers=True,
            health_data=False,
            ip_address=ip_address,
        )
        for obj in objs
    )
    return len(objs)


def model_changes(instance: models.Model, fields: list[str], old: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    changes = {}
    for name in fields:
        new = getattr(instance, name)
        if old.get(name) != new:
            changes[name] = [old.get(name), new]
    return changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)

"""Writers for the audit trail and the access log; one small function per kind of event.

Every action is a member of an app's event vocabulary (`<app>/events.py`, a `TextChoices`), never
a free-form string: one place lists what the trail can say, with its Chinese label.
"""

from typing import Any, NamedTuple

from django.db import connection, models
from django.utils import timezone

from .authz import SystemActor
from .models import AccessLog, AuditEvent
from .rows import in_ids, insert_rows, json_param, json_value

# An event's columns in the order of the rows `record_event_rows` and `record_events_of` insert.
EVENT_FIELDS = ("created", "actor", "action", "object_type", "object_id", "township_id", "success", "detail")


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
        detail=_event_detail(actor, detail),
    )


def record_event_rows(
    *, actor, action: str, model: type[models.Model], rows: list[tuple[Any, int | None, dict]]
) -> int:
    """`record_event` for many objects of `model` at once, each with its own detail: `rows` of
    (object id, township id, detail); one insert, no instance per event."""
    actor_id, now, label = _actor_id(actor), timezone.now(), model._meta.label_lower
    events = [
        (now, actor_id, action, label, str(pk), township_id, True, json_value(_event_detail(actor, detail)))
        for pk, township_id, detail in rows
    ]
    return insert_rows(AuditEvent, EVENT_FIELDS, events)


def record_events_of(*, actor, action: str, model: type[models.Model], ids: list[int], **detail: Any) -> int:
    """`record_event` for each row of `model` (a table with a `township_id`) whose id is in `ids`,
    copied from the rows by the database in one statement (INSERT … SELECT): the events
    `record_event` writes of each, without reading them."""
    if not ids:
        return 0
    quote = connection.ops.quote_name
    columns = ", ".join(quote(AuditEvent._meta.get_field(name).column) for name in EVENT_FIELDS)
    where, params = in_ids(quote(model._meta.pk.column), ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns})"  # noqa: S608
            f" SELECT %s, %s, %s, %s, CAST({quote(model._meta.pk.column)} AS TEXT), {quote('township_id')}, %s,"
            f" {json_param()} FROM {quote(model._meta.db_table)} WHERE {where}",
            [
                timezone.now(),
                _actor_id(actor),
                action,
                model._meta.label_lower,
                True,
                json_value(_event_detail(actor, detail)),
                *params,
            ],
        )
        return cursor.rowcount


def _event_detail(actor, detail: dict) -> Any:
    """An event's detail as `record_event` stores it: the system actor's reason added."""
    if isinstance(actor, SystemActor):
        detail = {**detail}
        detail.setdefault("system", actor.reason)
    return _jsonable(detail)


def _actor_id(actor) -> int | None:
    return getattr(actor, "pk", None) or None


def record_access(
    *, user, obj: models.Model, channel: str, full_id_numbers: bool, health_data: bool, ip_address: str | None
) -> AccessLog | None:
    """One page of one object that shows full ID numbers or health data: one row."""
    if not (full_id_numbers or health_data):
        return None
    return AccessLog.objects.create(
        user=user,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_ids=[str(obj.pk)],
        channel=channel,
        full_id_numbers=full_id_numbers,
        health_data=health_data,
        ip_address=ip_address,
    )


class ObjectRef(NamedTuple):
    """A row a list read as plain values showed: its model's label and its pk (for the access log)."""

    label: str
    pk: int

    @classmethod
    def of(cls, model: type[models.Model], pk: int) -> "ObjectRef":
        return cls(model._meta.label_lower, pk)


def record_list_access(
    *,
    user,
    objs: list,
    channel: str,
    full_id_numbers: bool,
    health_data: bool = False,
    ip_address: str | None,
    always: bool = False,
) -> AccessLog | None:
    """A list (or a bulk answer) that shows full ID numbers or health data: one row for the
    request, naming every object shown. Nothing when nothing sensitive or nothing at all was shown,
    unless `always` (a download: every file that leaves the system is in the log, masked or not,
    empty or not)."""
    # Model rows, or `ObjectRef`s for lists read as plain rows.
    refs = [(obj._meta.label_lower, obj.pk) if isinstance(obj, models.Model) else (obj.label, obj.pk) for obj in objs]
    if not always and (not (full_id_numbers or health_data) or not refs):
        return None
    labels = {label for label, _pk in refs}
    # One kind of object: its ids; several kinds (an answer about members and ledger records):
    # "mixed", each named as label:id; none (an empty download): no type.
    if len(labels) <= 1:
        object_type, object_ids = (labels.pop() if labels else ""), [str(pk) for _label, pk in refs]
    else:
        object_type, object_ids = "mixed", [f"{label}:{pk}" for label, pk in refs]
    return AccessLog.objects.create(
        user=user,
        object_type=object_type,
        object_id="",
        object_ids=object_ids,
        channel=channel,
        full_id_numbers=full_id_numbers,
        health_data=health_data,
        ip_address=ip_address,
    )


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

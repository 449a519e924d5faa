"""The county's spot-check draw (audits) marks the drawn cases here, all at once."""

from django.db import connection, transaction
from django.utils import timezone

from sunwu_relief.audit import record_events
from sunwu_relief.authz import user_or_none

from ..events import BenefitEvent
from ..models import Application


@transaction.atomic
def applications_mark_for_spot_check(*, actor, application_ids: list[int]) -> int:
    """`application_mark_for_spot_check` for a whole draw, set-based: one locking read, one
    update, one insert of the history rows and one of the audit events, however many are drawn.
    Already marked ones are left as they are. Returns how many were marked."""
    if not application_ids:
        return 0
    rows = list(
        Application.objects.select_for_update()
        .filter(pk__in=application_ids, spot_check_required=False)
        .order_by("pk")
        .values_list("pk", "township_id")
    )
    if not rows:
        return 0
    ids = [pk for pk, _township in rows]
    Application.objects.filter(pk__in=ids).update(spot_check_required=True)
    _history_of_changed(ids, user=user_or_none(actor))
    record_events(
        actor=actor,
        action=BenefitEvent.APPLICATION_SPOT_CHECK,
        objs=[Application(pk=pk, township_id=township_id) for pk, township_id in rows],
    )
    return len(ids)


def _history_of_changed(ids: list[int], *, user) -> None:
    """The history rows of applications changed by a set-based update (what `save()` would have
    recorded one by one): copied from the updated rows by the database, in one statement."""
    history = Application.history.model
    fields = [f.column for f in Application._meta.concrete_fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in fields)
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_change_reason,"  # noqa: S608
            f" history_type, history_user_id) SELECT {columns}, %s, NULL, '~', %s"
            f" FROM {quote(Application._meta.db_table)} WHERE id IN ({placeholders})",
            [timezone.now(), getattr(user, "pk", None), *ids],
        )

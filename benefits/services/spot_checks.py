"""The county's spot-check draw (audits) marks the drawn cases here, all at once."""

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sunwu_relief.audit import record_events_of
from sunwu_relief.authz import user_or_none
from sunwu_relief.rows import in_ids

from ..events import BenefitEvent
from ..models import Application


@transaction.atomic
def applications_mark_for_spot_check(*, actor, application_ids: "list[int] | QuerySet") -> int:
    """`application_mark_for_spot_check` for a whole draw, set-based: one locking read, one
    update, one insert of the history rows and one of the audit events, however many are drawn;
    `application_ids` a list or a query of ids (the draw's drawn items: no list of ids to send).
    Already marked ones are left as they are. Returns how many were marked."""
    if isinstance(application_ids, list) and not application_ids:
        return 0
    unmarked = Application.objects.filter(pk__in=application_ids, spot_check_required=False)
    ids = list(unmarked.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    # The same rows as the ids read (they are locked).
    unmarked.update(spot_check_required=True)
    _history_of_changed(ids, user=user_or_none(actor))
    record_events_of(actor=actor, action=BenefitEvent.APPLICATION_SPOT_CHECK, model=Application, ids=ids)
    return len(ids)


def _history_of_changed(ids: list[int], *, user) -> None:
    """The history rows of applications changed by a set-based update (what `save()` would have
    recorded one by one): copied from the updated rows by the database, in one statement."""
    history = Application.history.model
    fields = [f.column for f in Application._meta.concrete_fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in fields)
    where, params = in_ids("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_change_reason,"  # noqa: S608
            f" history_type, history_user_id) SELECT {columns}, %s, NULL, '~', %s"
            f" FROM {quote(Application._meta.db_table)} WHERE {where}",
            [timezone.now(), getattr(user, "pk", None), *params],
        )

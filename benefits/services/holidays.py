"""The holiday calendar: the working days every deadline counts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sunwu_relief.audit import model_changes, record_event
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.errors import InvalidInput
from sunwu_relief.roles import Role

from ..events import BenefitEvent
from ..holiday_calendar import official_days, package_version
from ..models import (
    Holiday,
)

# Holiday calendar (the working days every deadline counts) -------------------------------------

HOLIDAY_FIELDS = ["date", "name", "is_working_day"]


def _require_bureau(actor, *, allow_system: bool = False) -> None:
    require(
        actor,
        roles=(Role.BUREAU_REVIEWER,),
        allow_system=allow_system,
        message=_("Only the county bureau may change the holiday calendar."),
    )


@transaction.atomic
def holiday_save(*, actor, holiday: Holiday) -> Holiday:
    """Add or correct one day of the calendar (audited, kept in the history). A day the bureau
    edits becomes its own: a later `load_holidays` does not overwrite it."""
    _require_bureau(actor)
    old = {}
    if holiday.pk:
        current = Holiday.objects.select_for_update().get(pk=holiday.pk)
        old = {name: getattr(current, name) for name in HOLIDAY_FIELDS}
    holiday.name = holiday.name.strip()
    try:
        holiday.full_clean()
    except ValidationError as exc:
        raise InvalidInput(field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
    changes = model_changes(holiday, HOLIDAY_FIELDS, old)
    if old and not changes:
        return holiday
    holiday.source = Holiday.Source.MANUAL
    holiday._history_user = user_or_none(actor)
    holiday.save()
    record_event(
        actor=actor,
        action=BenefitEvent.HOLIDAY_CHANGE if old else BenefitEvent.HOLIDAY_CREATE,
        obj=holiday,
        changes=changes or None,
    )
    return holiday


@transaction.atomic
def holiday_delete(*, actor, holiday: Holiday) -> None:
    _require_bureau(actor)
    holiday = Holiday.objects.select_for_update().filter(pk=holiday.pk).first()
    if holiday is None:
        return  # already deleted
    record_event(
        actor=actor,
        action=BenefitEvent.HOLIDAY_DELETE,
        obj=holiday,
        date=holiday.date,
        name=holiday.name,
        is_working_day=holiday.is_working_day,
        source=holiday.source,
    )
    holiday._history_user = user_or_none(actor)
    holiday.delete()


@transaction.atomic
def holidays_load(*, actor, years: set[int] | None = None) -> dict[str, int]:
    """Fill the calendar from the State Council's schedule (the `chinesecalendar` package):
    adds the days it lacks, corrects the days it loaded before, keeps the bureau's own edits.
    Idempotent: a second run changes nothing (the system or the bureau runs it)."""
    _require_bureau(actor, allow_system=True)
    existing = {h.date: h for h in Holiday.objects.select_for_update()}
    counts = {"added": 0, "updated": 0, "unchanged": 0, "kept": 0}
    for day in official_days(years):
        holiday = existing.get(day.date)
        if holiday is None:
            holiday = Holiday(date=day.date, name=day.name, is_working_day=day.is_working_day)
            counts["added"] += 1
        elif holiday.source != Holiday.Source.OFFICIAL:
            counts["kept"] += 1
            continue
        elif (holiday.name, holiday.is_working_day) == (day.name, day.is_working_day):
            counts["unchanged"] += 1
            continue
        else:
            holiday.name, holiday.is_working_day = day.name, day.is_working_day
            counts["updated"] += 1
        holiday.source = Holiday.Source.OFFICIAL
        holiday._history_user = user_or_none(actor)
        holiday.save()
    if counts["added"] or counts["updated"]:
        record_event(actor=actor, action=BenefitEvent.HOLIDAY_LOAD, package_version=package_version(), **counts)
    return counts

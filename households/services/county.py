"""The county's particulars every notice prints, the townships' contacts, and the confirmation
of villages first named by the poverty office's ledger."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sunwu_relief.audit import model_changes, record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput
from sunwu_relief.roles import Role

from ..events import HouseholdEvent
from ..models import CountySettings, Township, Village

COUNTY_SETTINGS_FIELDS = [
    "bureau_name",
    "bureau_address",
    "complaints_telephone",
    "appeal_body",
    "appeal_days",
    "court",
    "litigation_months",
]
TOWNSHIP_CONTACT_FIELDS = ["service_address", "service_telephone"]


COUNTY_EDITORS = frozenset({Role.BUREAU_REVIEWER})


def _validated(instance, fields: list[str]) -> None:
    try:
        instance.full_clean(exclude=[f.name for f in instance._meta.fields if f.name not in fields])
    except ValidationError as exc:
        raise InvalidInput(field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc


@transaction.atomic
def county_settings_save(*, actor, settings: CountySettings, **values: Any) -> CountySettings:
    """Change the county's particulars (name, address, complaints line, appeal body and court);
    audited with the old and new values, and kept in the history."""
    require(
        actor,
        roles=COUNTY_EDITORS,
        allow_system=False,
        message=_("Only the county bureau may change the county settings."),
    )
    unknown = set(values) - set(COUNTY_SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput(field_errors={name: [_("Unknown field.")] for name in unknown})
    current = CountySettings.objects.select_for_update().get(pk=settings.pk)
    old = {name: getattr(current, name) for name in COUNTY_SETTINGS_FIELDS}
    for name, value in values.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    _validated(current, COUNTY_SETTINGS_FIELDS)
    changes = model_changes(current, COUNTY_SETTINGS_FIELDS, old)
    if not changes:
        return current
    current._history_user = actor
    current.save()
    record_event(actor=actor, action=HouseholdEvent.COUNTY_SETTINGS_CHANGE, obj=current, changes=changes)
    return current


@transaction.atomic
def township_contact_save(*, actor, township: Township, service_address: str, service_telephone: str) -> Township:
    """The township service centre's address and telephone printed on its notices."""
    require(
        actor,
        roles=COUNTY_EDITORS,
        allow_system=False,
        message=_("Only the county bureau may change the county settings."),
    )
    current = Township.objects.select_for_update().get(pk=township.pk)
    old = {name: getattr(current, name) for name in TOWNSHIP_CONTACT_FIELDS}
    current.service_address = service_address.strip()
    current.service_telephone = service_telephone.strip()
    _validated(current, TOWNSHIP_CONTACT_FIELDS)
    changes = model_changes(current, TOWNSHIP_CONTACT_FIELDS, old)
    if not changes:
        return current
    current._history_user = actor
    current.save(update_fields=TOWNSHIP_CONTACT_FIELDS)
    record_event(
        actor=actor, action=HouseholdEvent.TOWNSHIP_CONTACT_CHANGE, obj=current, township_id=current.pk, changes=changes
    )
    return current


def village_confirm(*, actor, village: Village) -> Village:
    """The county confirms a village first named by the poverty office's ledger: from now on
    caseworkers are offered it. Confirming a confirmed village changes nothing."""
    if not getattr(actor, "is_superuser", False):  # the operator's superuser may confirm too
        require(
            actor,
            roles=COUNTY_EDITORS,
            allow_system=False,
            code="village.confirm_not_allowed",
            message=_("Only the county bureau confirms villages."),
        )
    confirmed = Village.objects.filter(pk=village.pk, confirmed=False).update(confirmed=True)
    village.refresh_from_db(fields=["confirmed"])
    if confirmed:
        record_event(
            actor=actor,
            action=HouseholdEvent.VILLAGE_CONFIRM,
            obj=village,
            township_id=village.township_id,
            name=village.name,
        )
    return village

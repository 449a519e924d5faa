"""Writes of the close-relatives register: the bureau lists staff and cadres and their relatives.

Every write is audited (`integrity.person_save`, `integrity.relative_register`,
`integrity.relative_remove`); the register is visible to county staff only (`selectors`).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.errors import InvalidInput, WorkflowError
from sunwu_relief.roles import TOWNSHIP_ROLES, Role, role_of
from sunwu_relief.text import text_field_errors

from ..events import IntegrityEvent
from ..models import IntegritySettings, PersonKind, RegisteredPerson, RegisteredRelative, RelationKind
from .filing import refile_open_cases

# The bureau keeps the register; auditors read it; nobody else sees it.
REGISTER_ROLES = (Role.BUREAU_REVIEWER,)


def _id_number(value: str, field: str = "id_number") -> str:
    try:
        return validate_id_number(value or "", today=clock.today())
    except ValidationError as exc:
        raise InvalidInput(field_errors={field: exc.messages}, code="integrity.id_number") from exc


def person_errors(person: RegisteredPerson) -> dict[str, list[str]]:
    """What is wrong with a person's row (the admin form shows the same errors); normalises the
    ID number and fills the township from the village."""
    errors = text_field_errors(name=person.name or "", post=person.post or "")
    if not (person.name or "").strip():
        errors.setdefault("name", []).append(_("Enter the name."))
    if not (person.post or "").strip():
        errors.setdefault("post", []).append(_("Enter the post."))
    if person.kind not in PersonKind.values:
        errors["kind"] = [_("Choose the kind.")]
    if person.kind == PersonKind.VILLAGE_CADRE and person.village_id is None:
        errors["village"] = [_("A village cadre belongs to a village.")]
    if person.village_id is not None:
        if person.township_id is None:
            person.township_id = person.village.township_id
        elif person.village.township_id != person.township_id:
            errors["village"] = [_("The village is not in that township.")]
    if person.user_id is not None:
        role = role_of(person.user)
        if role is None or role == Role.POVERTY_OFFICE:
            errors["user"] = [_("Link only a civil-affairs log-in.")]
        elif role in TOWNSHIP_ROLES and person.township_id is not None:
            if person.user.staff_profile.township_id != person.township_id:
                errors["user"] = [_("This log-in belongs to another township.")]
    try:
        person.id_number = _id_number(person.id_number)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    return errors


@transaction.atomic
def person_save(*, actor, person: RegisteredPerson) -> RegisteredPerson:
    """Create or change one registered staff member or cadre (the admin form's instance)."""
    require(actor, roles=REGISTER_ROLES, allow_system=True)
    errors = person_errors(person)
    if errors:
        raise InvalidInput(field_errors=errors, code="integrity.person_invalid")
    created = person.pk is None
    if created:
        person.created_by = user_or_none(actor)
    person.name, person.post = person.name.strip(), person.post.strip()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise InvalidInput(
            field_errors={"id_number": [_("This person is already registered.")]}, code="integrity.person_duplicate"
        ) from exc
    record_event(
        actor=actor,
        action=IntegrityEvent.PERSON_SAVE,
        obj=person,
        township_id=person.township_id,
        created=created,
        kind=person.kind,
        post=person.post,
        village=person.village_id,
        user=person.user_id,
        left_on=person.left_on.isoformat() if person.left_on else None,
    )
    refile_open_cases(id_numbers=[person.id_number])
    return person


@transaction.atomic
def relative_register(
    *, actor, person: RegisteredPerson, name: str, id_number: str, relation: RelationKind
) -> RegisteredRelative:
    """Register one close relative of `person`; registering the same number again does nothing."""
    person = RegisteredPerson.objects.select_for_update().get(pk=person.pk)
    require(actor, roles=REGISTER_ROLES, allow_system=True)
    number = _id_number(id_number)
    existing = RegisteredRelative.objects.filter(person=person, id_number=number, removed_at__isnull=True).first()
    if existing is not None:
        return existing
    errors = text_field_errors(name=name or "")
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("Enter the relative's name."))
    if relation is None or not relation.active:
        errors["relation"] = [_("Choose a relation of the close-relatives list.")]
    if number == person.id_number:
        errors["id_number"] = [_("This is the person's own ID number (always matched).")]
    if errors:
        raise InvalidInput(field_errors=errors, code="integrity.relative_invalid")
    relative = RegisteredRelative.objects.create(
        person=person, name=name.strip(), id_number=number, relation=relation, registered_by=user_or_none(actor)
    )
    record_event(
        actor=actor,
        action=IntegrityEvent.RELATIVE_REGISTER,
        obj=relative,
        township_id=person.township_id,
        person=person.pk,
        relation=relation.code,
    )
    refile_open_cases(id_numbers=[number])  # a case under way is filed at once
    return relative


@transaction.atomic
def relative_remove(*, actor, relative: RegisteredRelative, reason: str) -> RegisteredRelative:
    """End one registration (the row stays, dated, with why)."""
    relative = RegisteredRelative.objects.select_for_update().select_related("person").get(pk=relative.pk)
    require(actor, roles=REGISTER_ROLES, allow_system=True)
    if relative.removed_at is not None:
        return relative
    reason = (reason or "").strip()
    errors = text_field_errors(reason=reason)
    if not reason:
        errors["reason"] = [_("Say why the registration ends.")]
    if errors:
        raise InvalidInput(field_errors=errors, code="integrity.reason_required")
    relative.removed_at = timezone.now()
    relative.removed_by = user_or_none(actor)
    relative.removal_reason = reason[:200]
    relative.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    record_event(
        actor=actor,
        action=IntegrityEvent.RELATIVE_REMOVE,
        obj=relative,
        township_id=relative.person.township_id,
        person=relative.person_id,
        reason=relative.removal_reason,
    )
    return relative


@transaction.atomic
def relation_kind_save(*, actor, kind: RelationKind) -> RelationKind:
    """Add or change one relation of the list (deactivate rather than delete)."""
    require(actor, roles=REGISTER_ROLES, allow_system=True)
    errors = text_field_errors(name=kind.name or "")
    if not (kind.name or "").strip():
        errors.setdefault("name", []).append(_("Enter the relation's name."))
    if errors:
        raise InvalidInput(field_errors=errors, code="integrity.relation_invalid")
    if kind.pk is not None and not kind.active:
        in_use = RegisteredRelative.objects.filter(relation=kind, removed_at__isnull=True).exists()
        if in_use:
            raise WorkflowError(
                _("Relatives are registered under this relation: end those registrations first."),
                code="integrity.relation_in_use",
            )
    created = kind.pk is None
    kind.save()
    record_event(
        actor=actor, action=IntegrityEvent.RELATION_SAVE, obj=kind, created=created, name=kind.name, active=kind.active
    )
    return kind


@transaction.atomic
def integrity_settings_save(*, actor, row: IntegritySettings) -> IntegritySettings:
    require(actor, roles=REGISTER_ROLES, allow_system=False)
    row.pk = 1
    row.save()
    record_event(
        actor=actor,
        action=IntegrityEvent.SETTINGS_SAVE,
        obj=row,
        move_window_days=row.move_window_days,
        coverage_factor=str(row.coverage_factor),
        coverage_min_members=row.coverage_min_members,
        complaint_answer_days=row.complaint_answer_days,
    )
    return row

"""Reads of the close-relatives register: county staff only (bureau and auditors)."""

from django.db.models import QuerySet

from sunwu_relief.roles import Role, role_of

from .models import IntegritySettings, RegisteredPerson, RegisteredRelative, RelationKind

REGISTER_READERS = frozenset({Role.BUREAU_REVIEWER, Role.AUDITOR})


def can_see_register(user) -> bool:
    return role_of(user) in REGISTER_READERS


def persons_for(user) -> QuerySet[RegisteredPerson]:
    if not can_see_register(user):
        return RegisteredPerson.objects.none()
    return RegisteredPerson.objects.select_related("township", "village", "user")


def relatives_for(user) -> QuerySet[RegisteredRelative]:
    if not can_see_register(user):
        return RegisteredRelative.objects.none()
    return RegisteredRelative.objects.select_related("person__township", "relation", "registered_by")


def integrity_settings() -> IntegritySettings:
    """The one settings row (the migration creates it; its defaults if it is missing)."""
    return IntegritySettings.objects.filter(pk=1).first() or IntegritySettings(pk=1)


def active_relations() -> QuerySet[RelationKind]:
    return RelationKind.objects.filter(active=True)

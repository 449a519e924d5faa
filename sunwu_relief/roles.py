"""The five roles (docs/interfaces.md §4) and what each may see. Shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Township caseworker")
    TOWNSHIP_REVIEWER = "township_reviewer", _("Township reviewer")
    BUREAU_REVIEWER = "bureau_reviewer", _("Bureau reviewer")
    AUDITOR = "auditor", _("County auditor")
    POVERTY_OFFICE = "poverty_office", _("Poverty-alleviation office")


TOWNSHIP_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER})
COUNTY_ROLES = frozenset({Role.BUREAU_REVIEWER, Role.AUDITOR, Role.POVERTY_OFFICE})
# County staff work in the Django admin; township staff and the poverty office do not.
ADMIN_ROLES = frozenset({Role.BUREAU_REVIEWER, Role.AUDITOR})

# Least privilege (PIPL Art 51): who needs the full resident ID number, who needs health data.
FULL_ID_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.POVERTY_OFFICE})
HEALTH_DATA_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR})


def role_of(user) -> str | None:
    """The user's role, or None (anonymous users, users without a staff profile)."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.role if profile is not None else None


def township_id_of(user) -> int | None:
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.township_id if profile is not None else None


def is_county_wide(user) -> bool:
    return role_of(user) in COUNTY_ROLES


def can_see_full_id(user) -> bool:
    return role_of(user) in FULL_ID_ROLES


def can_see_health_data(user) -> bool:
    return role_of(user) in HEALTH_DATA_ROLES


# Django model permissions per role, for the admin (the roles' groups). Scope is applied on top
# by the selectors; these only say which admin pages a role may open.
_COUNTY_READ = [
    "households.view_township",
    "households.view_village",
    "households.view_household",
    "households.view_member",
    "households.view_membermove",
    "households.view_ledgerrecord",
    "households.view_historicalhousehold",
    "households.view_historicalmember",
    # Reconciliation findings (ledger issue): county staff see all of them in the admin.
    "audits.view_finding",
    "audits.view_findingevent",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CASEWORKER: [
        "households.view_household",
        "households.add_household",
        "households.change_household",
        "households.view_member",
        "households.add_member",
        "households.change_member",
        "households.view_full_id_number",
        "households.view_health_data",
    ],
    Role.TOWNSHIP_REVIEWER: [
        "households.view_household",
        "households.view_member",
        "households.view_full_id_number",
        "households.view_health_data",
    ],
    Role.BUREAU_REVIEWER: [
        *_COUNTY_READ,
        "households.view_full_id_number",
        "households.view_health_data",
        "sunwu_relief.view_auditevent",
        "sunwu_relief.view_accesslog",
    ],
    Role.AUDITOR: [
        *_COUNTY_READ,
        "households.view_health_data",
        "sunwu_relief.view_auditevent",
        "sunwu_relief.view_accesslog",
    ],
    Role.POVERTY_OFFICE: [
        "households.view_household",
        "households.view_member",
        "households.view_ledgerrecord",
        "households.add_ledgerrecord",
        "households.change_ledgerrecord",
        "households.view_full_id_number",
    ],
}


def township_scoped(user, queryset: "models.QuerySet", *, roles) -> "models.QuerySet":
    """`queryset` (rows with a `township_id`) as `user` may see it: nothing for a role outside
    `roles`, everything for a county-wide role, else the user's own township's rows."""
    if role_of(user) not in roles:
        return queryset.none()
    if is_county_wide(user):
        return queryset
    return queryset.filter(township_id=township_id_of(user))

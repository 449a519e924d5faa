"""Reads of the integrity work list, scoped: county staff see every finding; township staff
their township's, except the kinds that name the register or judge the township (county only)."""

from django.db.models import QuerySet

from sunwu_relief.roles import TOWNSHIP_ROLES, Role, role_of, township_id_of

from ..selectors.findings import last_run_at, shown_last_found
from .events import IntegrityEvent
from .finding_models import COUNTY_ONLY_KINDS, IntegrityFinding


def integrity_findings_for(user) -> QuerySet[IntegrityFinding]:
    role = role_of(user)
    if role in (Role.BUREAU_REVIEWER, Role.AUDITOR):
        return IntegrityFinding.objects.all()
    if role in TOWNSHIP_ROLES and township_id_of(user) is not None:
        return IntegrityFinding.objects.filter(township_id=township_id_of(user)).exclude(kind__in=COUNTY_ONLY_KINDS)
    return IntegrityFinding.objects.none()


def integrity_finding_last_found(finding: IntegrityFinding, last_run=None):
    """When the finding was last found (a present one: by the last run of the checks)."""
    return shown_last_found(finding, last_run or last_run_at(IntegrityEvent.RUN))


def integrity_last_run():
    return last_run_at(IntegrityEvent.RUN)


def integrity_finding_list(user) -> QuerySet[IntegrityFinding]:
    return integrity_findings_for(user).select_related("township", "village", "household", "application")


def integrity_finding_detail(user, *, pk: int) -> IntegrityFinding:
    """Raises IntegrityFinding.DoesNotExist outside the scope."""
    return (
        integrity_findings_for(user)
        .select_related("township", "village", "household__village", "application", "resolved_by")
        .prefetch_related("events__actor")
        .get(pk=pk)
    )

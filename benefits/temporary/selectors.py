"""Reads for 临时救助, scoped like the other cases: a township's roles see their township's
cases (流动人员 included), county roles all of them."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from sunwu_relief.roles import Role, is_county_wide, role_of, township_id_of

from .models import TemporaryCase, TemporaryStatus

CASE_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR})


def temporary_cases_for(user) -> QuerySet[TemporaryCase]:
    if role_of(user) not in CASE_ROLES:
        return TemporaryCase.objects.none()
    cases = TemporaryCase.objects.select_related("household__village", "member", "created_by")
    if is_county_wide(user):
        return cases
    return cases.filter(township_id=township_id_of(user))


def awaiting_county(user) -> QuerySet[TemporaryCase]:
    return temporary_cases_for(user).filter(status=TemporaryStatus.COUNTY_REVIEW).order_by("reported_at")


@dataclass(frozen=True)
class SupplementDue:
    case: TemporaryCase
    due: datetime.date
    overdue: bool


def supplements_due(user, *, on: datetime.date) -> list[SupplementDue]:
    """Emergency grants whose remaining steps 补办 are not done yet, each with its deadline and
    whether it has passed (for the dashboard and the township's work list)."""
    cases = (
        temporary_cases_for(user)
        .filter(emergency_grant=True, status=TemporaryStatus.GRANTED, supplement_completed_on__isnull=True)
        .exclude(supplement_due__isnull=True)
        .order_by("supplement_due", "id")
    )
    return [SupplementDue(case, case.supplement_due, case.supplement_due < on) for case in cases]

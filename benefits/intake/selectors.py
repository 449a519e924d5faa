"""Reads of the one door, scoped like every case: township staff see their township's requests
and referrals, county staff all of them. Referral deadlines count working days (the holiday
calendar); a referral is overdue from the working day after its due day until it is answered."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from households.models import Township
from sunwu_relief.roles import Role, township_scoped

from .models import Department, IntakeRequest, Referral

READER_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR})


def _scoped(user, queryset: QuerySet) -> QuerySet:
    return township_scoped(user, queryset, roles=READER_ROLES)


def intake_requests_for(user) -> QuerySet[IntakeRequest]:
    return _scoped(
        user,
        IntakeRequest.objects.select_related(
            "member__household", "application", "referral__department", "created_by", "handled_by"
        ),
    )


def referrals_for(user) -> QuerySet[Referral]:
    return _scoped(user, Referral.objects.select_related("intake", "department", "created_by", "answered_by"))


def departments() -> QuerySet[Department]:
    """The departments that take referrals, in the bureau's order."""
    return Department.objects.filter(active=True)


@dataclass(frozen=True)
class ReferralState:
    referral: Referral
    overdue: bool
    answered_late: bool


def referral_state(referral: Referral, *, on: datetime.date) -> ReferralState:
    answered_late = referral.answered_on is not None and referral.answered_on > referral.due_on
    return ReferralState(referral, referral.overdue_on(on), answered_late)


def open_referrals(user, *, on: datetime.date, overdue_only: bool = False) -> list[ReferralState]:
    """Referrals still awaiting the department's answer, the earliest due first."""
    referrals = referrals_for(user).filter(answered_on__isnull=True).order_by("due_on", "id")
    if overdue_only:
        referrals = referrals.filter(due_on__lt=on)
    return [referral_state(r, on=on) for r in referrals]


def overdue_referrals_by_township(user, *, on: datetime.date) -> list[tuple[Township, int]]:
    """How many referrals are overdue in each township (county staff see every township)."""
    counts = Counter(
        referrals_for(user).filter(answered_on__isnull=True, due_on__lt=on).values_list("township_id", flat=True)
    )
    townships = Township.objects.filter(pk__in=counts).order_by("code")
    return [(township, counts[township.pk]) for township in townships]

"""Reads of 特困 support by place. A placement occupies its bed from its first day up to the day
it ends (a move frees the old bed the day the new one is taken). The care allowance of a day is
the standard's allowance for the latest self-care assessment on or before that day."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from households.models import Member
from households.selectors import members_for
from sunwu_relief.roles import Role, is_county_wide, role_of, township_id_of

from ..models import Programme, Standard
from ..rules import CARE_LEVELS
from ..selectors import running_benefits, standard_for
from .models import CareHome, Placement, SelfCareAssessment, SupportMode

READER_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR})
# The standard's field for each self-care ability.
ALLOWANCE_FIELDS = {
    "full_self_care": "care_full_self_care",
    "semi_disabled": "care_semi_disabled",
    "fully_disabled": "care_fully_disabled",
}


def _living_on(day: datetime.date) -> Q:
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gt=day))


def occupancy(home: CareHome, *, on: datetime.date) -> int:
    return home.placements.filter(_living_on(on)).count()


def care_homes(*, on: datetime.date) -> QuerySet[CareHome]:
    """Every home (the list is public to staff: where a bed is free), with `occupied` on `on`."""
    living = Q(placements__start_on__lte=on) & (Q(placements__end_on__isnull=True) | Q(placements__end_on__gt=on))
    return CareHome.objects.select_related("township").annotate(occupied=Count("placements", filter=living))


def free_beds(home: CareHome) -> int:
    """Of a home from `care_homes()` (its `occupied`)."""
    return max(0, home.capacity - home.occupied)


def placements_for(user) -> QuerySet[Placement]:
    if role_of(user) not in READER_ROLES:
        return Placement.objects.none()
    placements = Placement.objects.select_related("member__household__village", "home")
    if is_county_wide(user):
        return placements
    return placements.filter(township_id=township_id_of(user))


def current_placements(user, *, on: datetime.date, mode: str | None = None) -> QuerySet[Placement]:
    placements = placements_for(user).filter(_living_on(on))
    return placements.filter(mode=mode) if mode else placements


def residents(home: CareHome, *, on: datetime.date) -> QuerySet[Placement]:
    return home.placements.filter(_living_on(on)).select_related("member__household__village")


def dispersed_support_for(user, *, on: datetime.date) -> QuerySet[Placement]:
    return current_placements(user, on=on, mode=SupportMode.DISPERSED).order_by("member__name")


def supported_persons(user) -> QuerySet[Member]:
    """The members in the user's scope with running 特困 support (the persons placed or supported
    at home)."""
    tekun = running_benefits().filter(programme=Programme.TEKUN)
    return members_for(user).filter(benefits_covering__in=tekun).distinct().select_related("household__village")


def unplaced_persons(user, *, on: datetime.date) -> QuerySet[Member]:
    """Supported persons with no placement on `on` (where they live is still to be recorded)."""
    placed = Placement.objects.filter(_living_on(on)).values("member_id")
    return supported_persons(user).exclude(pk__in=placed).order_by("name")


def paid_care_level(member: Member) -> str | None:
    """The self-care ability the person's running 特困 benefit pays this month (its decision in
    force), None without one: shown beside the latest assessment, so that a change is seen."""
    benefit = (
        running_benefits()
        .filter(programme=Programme.TEKUN, covered_members=member)
        .prefetch_related("changes")
        .order_by("-start_month")
        .first()
    )
    decision = benefit.current_decision if benefit is not None else None
    return (decision.care_level or None) if decision is not None else None


def self_care_history(member: Member) -> QuerySet[SelfCareAssessment]:
    return member.self_care_assessments.order_by("-assessed_on", "-id")


def latest_self_care(member: Member, *, on: datetime.date) -> SelfCareAssessment | None:
    """The assessment in force on `on`: the latest by its date (of one day, the last recorded)."""
    return SelfCareAssessment.objects.filter(member=member, assessed_on__lte=on).order_by("-assessed_on", "-id").first()


@dataclass(frozen=True)
class CareAllowance:
    level: str
    amount: Decimal
    explanation: str
    assessment: SelfCareAssessment


def allowance_for_level(level: str, standard: Standard) -> Decimal:
    return getattr(standard, ALLOWANCE_FIELDS[level])


def care_allowance(member: Member, *, on: datetime.date) -> CareAllowance | None:
    """The care allowance on `on` from the latest self-care assessment and the 特困 standard of the
    year; None without an assessment or a standard."""
    return _allowance(latest_self_care(member, on=on), standard_for(Programme.TEKUN, on.year))


def _allowance(assessment: SelfCareAssessment | None, standard: Standard | None) -> CareAllowance | None:
    if assessment is None or standard is None:
        return None
    amount = allowance_for_level(assessment.level, standard)
    explanation = (
        f"{assessment.assessed_on:%Y-%m-%d} 评估为{CARE_LEVELS[assessment.level]}，"
        f"照料护理补贴 {amount:.0f} 元/月（{standard.year} 年特困供养标准）"
    )
    return CareAllowance(assessment.level, amount, explanation, assessment)


def dispersed_rows(user, *, on: datetime.date) -> list[tuple[Placement, CareAllowance | None]]:
    """Support at home on `on`, each with its care allowance (assessments preloaded: a fixed
    number of queries whatever the number of persons)."""
    standard = standard_for(Programme.TEKUN, on.year)
    assessments = SelfCareAssessment.objects.filter(assessed_on__lte=on).order_by("-assessed_on", "-id")
    placements = dispersed_support_for(user, on=on).prefetch_related(
        Prefetch("member__self_care_assessments", queryset=assessments, to_attr="assessments_by_date")
    )
    rows = []
    for placement in placements:
        latest = placement.member.assessments_by_date[0] if placement.member.assessments_by_date else None
        rows.append((placement, _allowance(latest, standard)))
    return rows

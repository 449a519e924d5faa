"""Reads of dynamic management, scoped like every case: township staff see their township's
re-verifications and campaign progress, county staff all of them."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from assessments.models import Assessment
from households.models import Classification, LedgerRecord, PovertyStatus, Township
from sunwu_relief import clock
from sunwu_relief.roles import Role, role_of, township_scoped

from ..hooks import complained_households_providers
from ..models import COVERED_STATUSES, Application, ApplicationStatus, Benefit, Objection, Programme
from .models import (
    OUTCOME_IN_CAMPAIGN,
    UNFINISHED_REVIEW_STATUSES,
    Campaign,
    CampaignOutcome,
    CampaignScope,
    CampaignStatus,
    Review,
    ReviewStatus,
)

READER_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR})


def _scoped(user, queryset: QuerySet) -> QuerySet:
    return township_scoped(user, queryset, roles=READER_ROLES)


def reviews_for(user) -> QuerySet[Review]:
    return _scoped(user, Review.objects.select_related("household__village", "benefit", "campaign", "assessment"))


def unfinished_reviews_for(user) -> QuerySet[Review]:
    return reviews_for(user).filter(status__in=UNFINISHED_REVIEW_STATUSES)


def overdue_reviews_for(user, *, on: datetime.date | None = None) -> QuerySet[Review]:
    """Unfinished re-verifications past the day they were to be finished by."""
    return unfinished_reviews_for(user).filter(complete_by__lt=on or clock.today())


def campaigns_for(user) -> QuerySet[Campaign]:
    return Campaign.objects.all() if role_of(user) in READER_ROLES else Campaign.objects.none()


def overdue_by_township(user, *, on: datetime.date | None = None) -> list[dict]:
    """Overdue re-verifications per township (the list RULES ask for), in the user's scope."""
    on = on or clock.today()
    rows = (
        unfinished_reviews_for(user)
        .values("township_id")
        .annotate(unfinished=Count("id"), overdue=Count("id", filter=Q(complete_by__lt=on)))
        .order_by("township_id")
    )
    names = dict(Township.objects.values_list("pk", "name"))
    return [{"township": names.get(row["township_id"], ""), **row} for row in rows]


@dataclass
class TownshipProgress:
    township_id: int
    township: str
    total: int = 0
    done: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def campaign_progress(user, campaign: Campaign) -> list[TownshipProgress]:
    """Each township's checks in the campaign: how many, how many decided, and their outcomes."""
    rows = (
        reviews_for(user)
        .filter(campaign=campaign)
        .exclude(status=ReviewStatus.CANCELLED)
        .values("township_id", "status", "outcome")
        .annotate(n=Count("id"))
    )
    names = dict(Township.objects.values_list("pk", "name"))
    progress: dict[int, TownshipProgress] = {}
    for row in rows:
        item = progress.setdefault(
            row["township_id"], TownshipProgress(row["township_id"], names.get(row["township_id"], ""))
        )
        item.total += row["n"]
        if row["status"] == ReviewStatus.DECIDED:
            item.done += row["n"]
            outcome = OUTCOME_IN_CAMPAIGN[row["outcome"]]
            item.outcomes[outcome] = item.outcomes.get(outcome, 0) + row["n"]
    return sorted(progress.values(), key=lambda p: p.township)


def running_campaigns_progress(user) -> list[tuple[Campaign, list[TownshipProgress]]]:
    """The campaigns under way, each with its progress per township in the user's scope."""
    running = campaigns_for(user).filter(status=CampaignStatus.RUNNING).order_by("-implementation_starts", "-id")
    return [(campaign, campaign_progress(user, campaign)) for campaign in running]


@dataclass
class CampaignReport:
    """The counts the seed asks for at acceptance, per township and in all."""

    rows: list[dict]
    total: dict


def campaign_report(user, campaign: Campaign) -> CampaignReport:
    """Households checked, kept, changed, stopped, newly included; registered poor checked and included.

    Checked: decided checks of the campaign. Newly included: 低保 applications approved from the
    campaign's implementation to its end. Registered poor: the households with a person in the
    poverty office's ledger."""
    ledger_ids = LedgerRecord.objects.values("id_number")
    names = dict(Township.objects.values_list("pk", "name"))
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: {
            "checked": 0,
            "kept": 0,
            "changed": 0,
            "stopped": 0,
            "included": 0,
            "poor_checked": 0,
            "poor_included": 0,
        }
    )
    decided = reviews_for(user).filter(campaign=campaign, status=ReviewStatus.DECIDED)
    poor_households = set(
        decided.filter(household__members__id_number__in=ledger_ids).values_list("household_id", flat=True)
    )
    for township_id, household_id, outcome in decided.values_list("township_id", "household_id", "outcome"):
        row = counts[township_id]
        row["checked"] += 1
        row[OUTCOME_IN_CAMPAIGN[outcome]] += 1
        row["poor_checked"] += household_id in poor_households
    included = _scoped(
        user,
        Application.objects.filter(
            status=ApplicationStatus.APPROVED,
            programme=Programme.DIBAO,
            decided_at__date__gte=campaign.implementation_starts,
            decided_at__date__lte=campaign.ends_on,
        ),
    )
    poor_included = set(included.filter(household__members__id_number__in=ledger_ids).values_list("pk", flat=True))
    for pk, township_id in included.values_list("pk", "township_id"):
        counts[township_id]["included"] += 1
        counts[township_id]["poor_included"] += pk in poor_included
    rows = [
        {"township": names.get(pk, ""), **values}
        for pk, values in sorted(counts.items(), key=lambda kv: names.get(kv[0], ""))
    ]
    keys = ("checked", "kept", "changed", "stopped", "included", "poor_checked", "poor_included")
    total = {key: sum(row[key] for row in rows) for key in keys}
    return CampaignReport(rows=rows, total=total)


def campaign_scope_benefits(campaign: Campaign) -> QuerySet[Benefit]:
    """The running 低保 benefits a campaign checks: every one, a list of households, or one of the
    seed's three focuses — able-bodied members with income (一般保障户 whose last finished
    assessment counted income), complaints or objections, declared out of poverty."""
    benefits = Benefit.objects.filter(programme=Programme.DIBAO, status__in=COVERED_STATUSES)
    if campaign.scope == CampaignScope.LIST:
        return benefits.filter(household_id__in=campaign.household_ids)
    if campaign.scope == CampaignScope.ABLE_WITH_INCOME:
        earning = Assessment.objects.filter(status=Assessment.Status.FINISHED, monthly_income__gt=0)
        return benefits.filter(
            household__classification=Classification.GENERAL, household_id__in=earning.values("household_id")
        )
    if campaign.scope == CampaignScope.COMPLAINTS:
        objected = Objection.objects.values("notice__application__household_id")
        households = Q(household_id__in=objected)
        for provider in complained_households_providers():
            households |= Q(household_id__in=provider())
        return benefits.filter(households)
    if campaign.scope == CampaignScope.OUT_OF_POVERTY:
        out = LedgerRecord.objects.filter(poverty_status=PovertyStatus.OUT).values("id_number")
        return benefits.filter(household__members__id_number__in=out).distinct()
    return benefits


__all__ = [
    "CampaignOutcome",
    "campaign_progress",
    "campaign_report",
    "campaigns_for",
    "overdue_by_township",
    "overdue_reviews_for",
    "reviews_for",
    "unfinished_reviews_for",
]


def campaign_checkers(campaign: Campaign) -> QuerySet:
    return campaign.checkers.select_related("user").order_by("township_id", "user__username")


def township_staff() -> QuerySet:
    """Who may be a campaign's checker: active township caseworkers and reviewers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__role__in=[Role.CASEWORKER, Role.TOWNSHIP_REVIEWER])
        .select_related("staff_profile__township")
        .order_by("staff_profile__township__code", "username")
    )


def reviewable_benefits_for(user) -> QuerySet[Benefit]:
    """The running 低保 benefits of the user's township a person may open a review of."""
    return _scoped(
        user, Benefit.objects.filter(programme=Programme.DIBAO, status__in=COVERED_STATUSES).select_related("household")
    )

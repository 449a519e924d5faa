"""Writes of the clean-up campaign 专项清理: create it with its scope and phases, assign the
checkers per township, launch it (a review of every benefit in scope), accept it at the end."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Township
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role, role_of, township_id_of

from ..events import ReviewEvent
from ..models import UNFINISHED_REVIEW_STATUSES, Campaign, CampaignChecker, CampaignScope, CampaignStatus, ReviewReason
from ..selectors import campaign_scope_benefits
from .common import _plain
from .opening import review_open_if_running

CHECKER_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER})


def _invalid(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput(field_errors={field: [Problem(code, message)]}, code=code)


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    scope: str,
    deployment_starts: datetime.date,
    implementation_starts: datetime.date,
    acceptance_starts: datetime.date,
    ends_on: datetime.date,
    household_ids: list[int] | None = None,
) -> Campaign:
    """The bureau plans a campaign: its scope and the dates of its three phases, in order."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    name = _plain(name, "name")
    if not name:
        raise _invalid("name", "campaign.name_required", _("Give the campaign a name."))
    if scope not in CampaignScope.values:
        raise _invalid("scope", "campaign.scope", _("Choose the campaign's scope."))
    if not (deployment_starts <= implementation_starts <= acceptance_starts <= ends_on):
        raise _invalid(
            "implementation_starts",
            "campaign.phases_order",
            _("The phases follow each other: deployment, implementation, acceptance, end."),
        )
    ids = sorted({int(pk) for pk in household_ids or []})
    if scope == CampaignScope.LIST and not ids:
        raise _invalid("household_ids", "campaign.list_empty", _("A list scope names at least one household."))
    campaign = Campaign.objects.create(
        name=name,
        scope=scope,
        household_ids=ids if scope == CampaignScope.LIST else [],
        deployment_starts=deployment_starts,
        implementation_starts=implementation_starts,
        acceptance_starts=acceptance_starts,
        ends_on=ends_on,
        created_by=actor,
    )
    record_event(actor=actor, action=ReviewEvent.CAMPAIGN_CREATE, obj=campaign, scope=scope)
    return campaign


@transaction.atomic
def campaign_checker_assign(*, actor, campaign: Campaign, township: Township, user) -> CampaignChecker:
    """The bureau assigns a township's checker (a caseworker or reviewer of that township)."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    if role_of(user) not in CHECKER_ROLES or township_id_of(user) != township.pk or not user.is_active:
        raise _invalid(
            "user", "campaign.checker_invalid", _("Choose an active caseworker or reviewer of that township.")
        )
    checker, created = CampaignChecker.objects.get_or_create(
        campaign=campaign, township_id=township.pk, user=user, defaults={"assigned_by": actor}
    )
    if created:
        record_event(
            actor=actor, action=ReviewEvent.CAMPAIGN_CHECKER, obj=campaign, township_id=township.pk, user=user.pk
        )
    return checker


@transaction.atomic
def campaign_launch(*, actor, campaign: Campaign) -> dict[int, int]:
    """Open the check of every running 低保 benefit in scope (a review, reason "campaign"; one
    already open takes the campaign on). Launching twice opens nothing twice. {township: checks}."""
    require(actor, roles=(Role.BUREAU_REVIEWER,), allow_system=True)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.ACCEPTED:
        raise WorkflowError(
            problems=[Problem("campaign.accepted", _("The campaign has been accepted."))], code="campaign.accepted"
        )
    today = clock.today()
    if today > campaign.acceptance_starts:
        raise WorkflowError(
            problems=[Problem("campaign.too_late", _("The implementation phase is over: no more checks are opened."))],
            code="campaign.too_late",
        )
    counts: dict[int, int] = {}
    for benefit in campaign_scope_benefits(campaign).prefetch_related("changes").order_by("township_id", "pk"):
        review, _opened = review_open_if_running(
            actor=actor,
            benefit=benefit,
            reason=ReviewReason.CAMPAIGN,
            note=campaign.name,
            due_on=max(today, campaign.implementation_starts),
            campaign=campaign,
        )
        if review is None:
            continue  # it ends anyway (a stop or suspension decided from next month)
        if review.complete_by > campaign.acceptance_starts:
            review.complete_by = campaign.acceptance_starts
            review.save(update_fields=["complete_by"])
        counts[benefit.township_id] = counts.get(benefit.township_id, 0) + 1
    if campaign.status == CampaignStatus.PLANNED:
        campaign.status = CampaignStatus.RUNNING
        campaign.launched_at = timezone.now()
        campaign.save(update_fields=["status", "launched_at"])
    record_event(actor=actor, action=ReviewEvent.CAMPAIGN_LAUNCH, obj=campaign, checks=sum(counts.values()))
    return counts


@transaction.atomic
def campaign_accept(*, actor, campaign: Campaign, note: str) -> Campaign:
    """The bureau accepts the campaign (验收) in its acceptance phase, once every check is finished."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.ACCEPTED:
        return campaign
    problems = []
    if campaign.status != CampaignStatus.RUNNING:
        problems.append(Problem("campaign.not_running", _("Launch the campaign first.")))
    if clock.today() < campaign.acceptance_starts:
        problems.append(
            Problem(
                "campaign.not_acceptance_phase",
                _("Acceptance starts on %(date)s.") % {"date": campaign.acceptance_starts.isoformat()},
            )
        )
    unfinished = campaign.reviews.filter(status__in=UNFINISHED_REVIEW_STATUSES).count()
    if unfinished:
        problems.append(
            Problem("campaign.checks_unfinished", _("%(count)s checks are not finished yet.") % {"count": unfinished})
        )
    if problems:
        raise WorkflowError(problems=problems, code=problems[0].code)
    campaign.status = CampaignStatus.ACCEPTED
    campaign.accepted_at = timezone.now()
    campaign.accepted_by = actor
    campaign.acceptance_note = _plain(note, "note")
    campaign.save(update_fields=["status", "accepted_at", "accepted_by", "acceptance_note"])
    record_event(actor=actor, action=ReviewEvent.CAMPAIGN_ACCEPT, obj=campaign)
    return campaign

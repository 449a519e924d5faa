"""Dynamic management 动态管理: re-verifications 复核 of running benefits and the clean-up campaign
专项清理 that checks a whole scope of them at once.

A review is opened by the daily run when a benefit falls due (docs/rules.md: 重点/长期 households
yearly, 一般 every 6 months, migrated ones at once) or by an event that forces one (a member's
death or move, a reported change, the poverty office's out-of-poverty declaration, an upheld
complaint, a ledger finding, a campaign). It is worked as a new economic-status assessment with
its household visit; its outcome is computed by the rules from that assessment, proposed by the
caseworker, agreed by the township and, when the benefit changes, decided by the county — the
decision (and its written notice) is an ordinary `BenefitChange`. One review open per benefit:
a second reason joins the open one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunwu_relief.text import validate_plain_text


class ReviewReason(models.TextChoices):
    SCHEDULED = "scheduled", _("Due by the review period")
    MIGRATED = "migrated", _("Migrated from a legacy roll: reviewed at once")
    MEMBER_DIED = "member_died", _("A member died")
    MEMBER_LEFT = "member_left", _("A member left or moved")
    CHANGE_REPORTED = "change_reported", _("Income or asset change reported")
    CROSS_CHECK = "cross_check", _("Change found by a cross-check")
    OUT_OF_POVERTY = "out_of_poverty", _("Declared out of poverty by the poverty office")
    COMPLAINT = "complaint", _("Upheld complaint")
    LEDGER_FINDING = "ledger_finding", _("Ledger reconciliation finding")
    CAMPAIGN = "campaign", _("Clean-up campaign (专项清理)")


# Reasons that make a review urgent (worked before the scheduled ones).
PRIORITY_REASONS = frozenset(
    {
        ReviewReason.MEMBER_DIED,
        ReviewReason.MEMBER_LEFT,
        ReviewReason.OUT_OF_POVERTY,
        ReviewReason.COMPLAINT,
        ReviewReason.LEDGER_FINDING,
    }
)
# Reasons a caseworker may open a review for by hand (the others come from the system).
MANUAL_REASONS = (ReviewReason.CHANGE_REPORTED, ReviewReason.CROSS_CHECK, ReviewReason.COMPLAINT)


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Open: to investigate")
    TOWNSHIP_REVIEW = "township_review", _("Outcome proposed: township review")
    COUNTY_REVIEW = "county_review", _("Agreed by the township: county decision")
    DECIDED = "decided", _("Decided")
    CANCELLED = "cancelled", _("Cancelled")


UNFINISHED_REVIEW_STATUSES = frozenset({ReviewStatus.OPEN, ReviewStatus.TOWNSHIP_REVIEW, ReviewStatus.COUNTY_REVIEW})


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Continue unchanged")
    RAISE = "raise", _("Raise")
    LOWER = "lower", _("Lower")
    PHASE_OUT = "phase_out", _("Phase out (渐退)")
    SUSPEND = "suspend", _("Suspend")
    STOP = "stop", _("Stop")


class CampaignOutcome(models.TextChoices):
    """What a campaign reports of each household checked (the seed's 有进有出、有升有降)."""

    KEPT = "kept", _("Kept")
    CHANGED = "changed", _("Changed")
    STOPPED = "stopped", _("Stopped")


OUTCOME_IN_CAMPAIGN = {
    ReviewOutcome.CONTINUE: CampaignOutcome.KEPT,
    ReviewOutcome.RAISE: CampaignOutcome.CHANGED,
    ReviewOutcome.LOWER: CampaignOutcome.CHANGED,
    ReviewOutcome.PHASE_OUT: CampaignOutcome.CHANGED,
    ReviewOutcome.SUSPEND: CampaignOutcome.CHANGED,
    ReviewOutcome.STOP: CampaignOutcome.STOPPED,
}


class CampaignScope(models.TextChoices):
    ALL = "all", _("Every running 低保 household")
    LIST = "list", _("A list of households")
    ABLE_WITH_INCOME = "able_with_income", _("Households with able-bodied members and income")
    COMPLAINTS = "complaints", _("Households with complaints or objections")
    OUT_OF_POVERTY = "out_of_poverty", _("Households declared out of poverty")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    ACCEPTED = "accepted", _("Accepted by the bureau")


class Campaign(models.Model):
    """专项清理: a scope of running 低保 households checked in phases (deployment, implementation,
    acceptance), each household's check a `Review`, progress by township, accepted by the bureau."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_plain_text])
    scope = models.CharField(_("scope"), max_length=20, choices=CampaignScope.choices)
    household_ids = models.JSONField(_("households of a list scope"), default=list, blank=True)
    deployment_starts = models.DateField(_("deployment from"))
    implementation_starts = models.DateField(_("implementation from"))
    acceptance_starts = models.DateField(_("acceptance from"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED, editable=False
    )
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    acceptance_note = models.TextField(_("acceptance note"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("clean-up campaign")
        verbose_name_plural = _("clean-up campaigns")
        ordering = ["-deployment_starts", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deployment_starts__lte=models.F("implementation_starts"))
                & Q(implementation_starts__lte=models.F("acceptance_starts"))
                & Q(acceptance_starts__lte=models.F("ends_on")),
                name="campaign_phases_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def phase_on(self, day) -> str:
        """The phase a day falls in: before, deployment, implementation, acceptance, after."""
        if day < self.deployment_starts:
            return "before"
        if day < self.implementation_starts:
            return "deployment"
        if day < self.acceptance_starts:
            return "implementation"
        if day <= self.ends_on:
            return "acceptance"
        return "after"


class CampaignChecker(models.Model):
    """Who checks a campaign's households in one township."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checkers")
    township_id = models.IntegerField(_("township"), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("campaign checker")
        verbose_name_plural = _("campaign checkers")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "township_id", "user"], name="campaign_checker_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.user}"


class Review(models.Model):
    """One re-verification 复核 of a running benefit (see the module docstring)."""

    benefit = models.ForeignKey("benefits.Benefit", on_delete=models.PROTECT, related_name="reviews")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="reviews")
    township_id = models.IntegerField(_("township"), db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=ReviewReason.choices)
    # Every reason that joined while it was open: [{"code", "note", "on"}].
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    priority = models.BooleanField(_("priority"), default=False)
    due_on = models.DateField(_("due"), db_index=True)
    complete_by = models.DateField(_("to be finished by"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN, editable=False
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name=_("campaign")
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # The proposal: computed by the rules from the finished assessment (suspend: chosen, with reason).
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReviewOutcome.choices, blank=True, editable=False)
    old_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, editable=False)
    new_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, editable=False)
    explanation = models.TextField(_("explanation"), blank=True, editable=False)
    effective_month = models.DateField(_("effective month"), null=True, blank=True, editable=False)
    outcome_reason_code = models.CharField(max_length=32, blank=True, editable=False)
    note = models.TextField(_("caseworker's note"), blank=True, editable=False)
    # The signatures on the check form (required in a campaign): the checker's and the household's.
    checker_name = models.CharField(_("signed by the checker"), max_length=64, blank=True, editable=False)
    household_signatory = models.CharField(_("signed for the household"), max_length=64, blank=True, editable=False)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    township_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision = models.ForeignKey(
        "benefits.BenefitChange", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    opened = models.DateTimeField(_("opened"), default=timezone.now, editable=False)

    class Meta:
        app_label = "benefits"
        verbose_name = _("re-verification")
        verbose_name_plural = _("re-verifications")
        ordering = ["-priority", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit"],
                condition=Q(status__in=["open", "township_review", "county_review"]),
                name="review_one_unfinished_per_benefit",
            )
        ]
        indexes = [models.Index(fields=["township_id", "status", "complete_by"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.household} · {self.due_on}"

    @property
    def is_unfinished(self) -> bool:
        return self.status in UNFINISHED_REVIEW_STATUSES

    @property
    def campaign_outcome(self) -> str:
        return OUTCOME_IN_CAMPAIGN.get(self.outcome, "") if self.status == ReviewStatus.DECIDED else ""

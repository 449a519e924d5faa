"""Applications, their statuses and reasons, obligors, and the append-only transitions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import Classification, Household

from .standards import Programme


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACCEPTED = "accepted", _("Accepted")
    INVESTIGATING = "investigating", _("Investigating")
    EVALUATING = "evaluating", _("Democratic evaluation")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    COUNTY_REVIEW = "county_review", _("County review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for rework")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Accepted and not yet decided: the statuses in which deadlines run and a second application waits.
IN_PROCEDURE = frozenset(
    {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.INVESTIGATING,
        ApplicationStatus.EVALUATING,
        ApplicationStatus.TOWNSHIP_REVIEW,
        ApplicationStatus.PUBLIC_NOTICE,
        ApplicationStatus.COUNTY_REVIEW,
    }
)


class ReasonCode(models.TextChoices):
    INCOME_ABOVE_STANDARD = "income_above_standard", _("Income above the standard")
    ASSETS_ABOVE_LIMITS = "assets_above_limits", _("Assets above the limits")
    FALSE_DECLARATION = "false_declaration", _("False or concealed declaration")
    NOT_ELIGIBLE_PERSON = "not_eligible_person", _("Does not meet the conditions of the programme")
    DOCUMENTS_MISSING = "documents_missing", _("Documents or signatures missing")
    FACTS_UNCLEAR = "facts_unclear", _("Facts unclear, investigate again")
    CIRCUMSTANCES_CHANGED = "circumstances_changed", _("Circumstances changed")
    REFUSED_WORK = "refused_work", _("Refused suitable work without good reason")
    MOVED_OR_DECEASED = "moved_or_deceased", _("Moved away or deceased")
    OTHER = "other", _("Other")


class Application(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="applications", verbose_name=_("household")
    )
    # Kept on the application for scoping without a join, and because the household cannot change township.
    township_id = models.IntegerField(_("township"), db_index=True)
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    applicant_name = models.CharField(_("applicant"), max_length=64)
    reason = models.TextField(_("reason for applying"), blank=True)
    # Single-person coverage 单人保 (N5): the only exception to per-household coverage.
    single_member = models.ForeignKey(
        "households.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("single member covered (单人保)"),
    )
    # 备案: a member is a close relative of a civil-affairs worker or village cadre (N1).
    filed = models.BooleanField(_("filed (备案)"), default=False, editable=False)
    filed_reasons = models.JSONField(_("filing reasons"), default=list, blank=True, editable=False)
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("economic-status assessment"),
    )
    # Proposed by the township reviewer (amount computed by benefits.rules from the assessment).
    township_opinion = models.TextField(_("township opinion"), blank=True, editable=False)
    proposed_classification = models.CharField(
        _("proposed classification"), max_length=16, choices=Classification.choices, blank=True, editable=False
    )
    proposed_amount = models.DecimalField(
        _("proposed monthly amount"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    amount_explanation = models.TextField(_("amount explanation"), blank=True, editable=False)
    standard_snapshot = models.JSONField(_("standard used"), default=dict, blank=True, editable=False)
    # 特困: the three conditions as checked at township approval, each with its evidence.
    eligibility = models.JSONField(_("eligibility as checked"), default=list, blank=True, editable=False)
    # 特困: the self-care ability the proposed amount used (a recompute needs it again).
    care_level = models.CharField(_("self-care ability"), max_length=16, blank=True, editable=False)
    # Set by the county's spot-check draw (audits), read by the county-approval guard.
    spot_check_required = models.BooleanField(_("in the spot-check sample"), default=False, editable=False)
    deadline_extended = models.BooleanField(_("decision deadline extended"), default=False, editable=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True, editable=False)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("extended by"),
    )
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True, editable=False)
    # When the latest upheld objection sent the case back: the new township opinion is due from it.
    objection_upheld_at = models.DateTimeField(_("objection upheld"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    received_by_county_at = models.DateTimeField(_("received by the county"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    # Optimistic lock: every transition bumps it with a compare-and-swap.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["township_id", "status"])]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.applicant_name} · #{self.pk}"


class Obligor(models.Model):
    """One 法定赡养、抚养、扶养义务人 of a 特困 applicant, and whether they can support them (N2).

    Recorded by the caseworker during the investigation; the third 特困 condition holds when there
    is none or every one is unable, each with the reason."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse (配偶)")
        PARENT = "parent", _("Parent (父母)")
        CHILD = "child", _("Child (子女)")
        GRANDPARENT = "grandparent", _("Grandparent (祖父母、外祖父母)")
        GRANDCHILD = "grandchild", _("Grandchild (孙子女、外孙子女)")
        SIBLING = "sibling", _("Sibling (兄弟姐妹)")
        OTHER = "other", _("Other obligor (其他义务人)")

    class Inability(models.TextChoices):
        TEKUN = "tekun", _("Is a 特困 supported person")
        DIBAO = "dibao", _("Receives 低保")
        SEVERE_DISABILITY = "severe_disability", _("Severely disabled")
        SERIOUS_ILLNESS = "serious_illness", _("Seriously ill")
        NO_CAPACITY = "no_capacity", _("Elderly or without capacity to work, no income")
        OTHER = "other", _("Other reason (explain)")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="obligors", verbose_name=_("application")
    )
    name = models.CharField(_("name"), max_length=64)
    relation = models.CharField(_("relation to the applicant"), max_length=16, choices=Relation.choices)
    can_support = models.BooleanField(_("able to support"))
    inability = models.CharField(_("why unable"), max_length=20, choices=Inability.choices, blank=True)
    note = models.TextField(_("evidence and explanation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obligor")
        verbose_name_plural = _("obligors")
        ordering = ["application_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(can_support=True, inability="") | Q(can_support=False) & ~Q(inability=""),
                name="obligor_inability_when_unable",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.name}"


class Transition(models.Model):
    """One move of an application (append-only): from, to, who, when, why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("actor")
    )
    reason_code = models.CharField(_("reason"), max_length=32, choices=ReasonCode.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

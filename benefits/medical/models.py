"""医疗救助 claims: one row per hospital stay or outpatient visit, with the aid computed by the
rules from the patient's status on the day of treatment (docs/medical-claims.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClaimKind(models.TextChoices):
    INPATIENT = "inpatient", _("Inpatient (住院)")
    OUTPATIENT = "outpatient", _("Outpatient (门诊)")


class ClaimSource(models.TextChoices):
    MANUAL = "manual", _("Entered by a caseworker")
    IMPORT = "import", _("Medical insurance office file")


class MedicalClaim(models.Model):
    """One claim. Append-only: the amounts, the status used and the numbers of the standard are
    stored as they were when the aid was computed (the legal record)."""

    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="medical_claims", verbose_name=_("patient")
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="medical_claims", verbose_name=_("household")
    )
    township_id = models.IntegerField(_("township"), db_index=True)
    # The benefit that made the patient eligible on the day of treatment, and its programme.
    benefit = models.ForeignKey("benefits.Benefit", on_delete=models.PROTECT, related_name="medical_claims")
    status_programme = models.CharField(_("status on the day of treatment"), max_length=16)
    hospital = models.CharField(_("hospital"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ClaimKind.choices)
    # Inpatient: admission and discharge; outpatient: the visit (treated_on only).
    treated_on = models.DateField(_("admission or visit date"))
    discharged_on = models.DateField(_("discharge date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    total_cost = models.DecimalField(_("total cost"), max_digits=12, decimal_places=2)
    policy_cost = models.DecimalField(_("policy-scope cost"), max_digits=12, decimal_places=2)
    basic_insurance_paid = models.DecimalField(_("basic medical insurance paid"), max_digits=12, decimal_places=2)
    critical_insurance_paid = models.DecimalField(_("critical-illness insurance paid"), max_digits=12, decimal_places=2)
    self_pay = models.DecimalField(_("policy-scope self-pay"), max_digits=12, decimal_places=2)
    # The inputs of the rule, as used.
    ratio = models.DecimalField(_("ratio"), max_digits=4, decimal_places=3)
    yearly_deductible = models.DecimalField(_("yearly deductible"), max_digits=10, decimal_places=2)
    deductible_left = models.DecimalField(_("deductible left for this claim"), max_digits=10, decimal_places=2)
    annual_cap = models.DecimalField(_("yearly cap"), max_digits=12, decimal_places=2)
    paid_before = models.DecimalField(_("aid paid earlier this year"), max_digits=12, decimal_places=2)
    aid = models.DecimalField(_("medical aid"), max_digits=12, decimal_places=2)
    explanation = models.TextField(_("explanation"))
    standard_snapshot = models.JSONField(_("standard used"), default=dict)
    source = models.CharField(_("source"), max_length=8, choices=ClaimSource.choices, default=ClaimSource.MANUAL)
    # The medical insurance office's settlement number (结算单号): a claim is recorded once.
    settlement_number = models.CharField(_("settlement number"), max_length=64, blank=True)
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        app_label = "benefits"
        verbose_name = _("medical assistance claim")
        verbose_name_plural = _("medical assistance claims")
        ordering = ["-treated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement_number"], condition=~Q(settlement_number=""), name="medical_claim_settlement_once"
            ),
            models.CheckConstraint(condition=Q(aid__gte=0), name="medical_claim_aid_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.hospital} {self.treated_on}"

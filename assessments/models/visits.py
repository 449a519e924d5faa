"""Household visits 入户调查 (confirmed and signed by each investigator, with attachments) and the
health department's labour-capacity assessments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households.models import LabourCapacity

from .assessment import Assessment


class HouseholdVisit(models.Model):
    """A household visit 入户调查 by at least two investigators; read-only once signed."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="visits", verbose_name=_("assessment")
    )
    visit_date = models.DateField(_("visit date"))
    investigators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("investigators"))
    housing = models.TextField(_("housing"), blank=True)
    living_conditions = models.TextField(_("living conditions"), blank=True)
    livestock = models.TextField(_("livestock"), blank=True)
    equipment = models.TextField(_("equipment and appliances"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    household_confirmed = models.BooleanField(_("confirmed by the household"), default=False)
    household_signatory = models.CharField(_("household member who signed"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["-visit_date", "-id"]

    def __str__(self) -> str:
        return f"{self.assessment.household} {self.visit_date}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class VisitConfirmation(models.Model):
    """One investigator's own confirmation of a visit record, under their own log-in
    (谁核查、谁签字、谁负责). The visit is signed when every investigator has confirmed."""

    visit = models.ForeignKey(
        HouseholdVisit, on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("visit")
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("investigator")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)

    class Meta:
        verbose_name = _("investigator's confirmation")
        verbose_name_plural = _("investigators' confirmations")
        ordering = ["confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "investigator"], name="visit_confirmation_once_per_investigator")
        ]

    def __str__(self) -> str:
        return f"{self.investigator} {self.confirmed_at:%Y-%m-%d %H:%M}"


class VisitAttachment(models.Model):
    """A photo or the scan of the signed paper form."""

    visit = models.ForeignKey(
        HouseholdVisit, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("visit")
    )
    file = models.FileField(_("file"), upload_to="assessments/visits/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("visit attachment")
        verbose_name_plural = _("visit attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.file.name


class LabourAssessment(models.Model):
    """The health department's labour-capacity assessment of one member (S §二(一)2)."""

    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, related_name="labour_assessments", verbose_name=_("member")
    )
    result = models.CharField(_("result"), max_length=12, choices=LabourCapacity.choices)
    assessed_on = models.DateField(_("assessed on"))
    document = models.FileField(_("document"), upload_to="assessments/labour/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("labour-capacity assessment")
        verbose_name_plural = _("labour-capacity assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_result_display()} {self.assessed_on}"

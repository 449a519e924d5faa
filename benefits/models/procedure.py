"""The steps of the procedure around an application: evaluation, public notice, objections, county visits."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .applications import Application


def upload_to_case(instance: models.Model, filename: str) -> str:
    return f"cases/{timezone.now():%Y/%m}/{filename}"


class DemocraticEvaluation(models.Model):
    """民主评议: date, place, participants, outcome and votes, minutes uploaded."""

    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        DISAGREED = "disagreed", _("Not agreed")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="evaluations")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120)
    participants = models.TextField(_("participants"))
    participant_count = models.PositiveSmallIntegerField(_("number of participants"))
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    minutes = models.FileField(_("minutes (scan)"), upload_to=upload_to_case, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class PublicNotice(models.Model):
    """公示 of one application. Shows only village, name, household size, programme, amount."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notices")
    village_id = models.IntegerField(db_index=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    household_size = models.PositiveSmallIntegerField(_("household size"))
    proposed_amount = models.DecimalField(_("proposed monthly amount"), max_digits=10, decimal_places=2)
    superseded = models.BooleanField(_("superseded by a new notice"), default=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on} #{self.application_id}"


class Objection(models.Model):
    """异议 raised during a notice, and how it was resolved."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.CharField(_("raised by"), max_length=64)
    contact = models.CharField(_("contact"), max_length=64, blank=True)
    content = models.TextField(_("objection"))
    raised_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return f"{self.raised_on} {self.raised_by}"


class CountyVisit(models.Model):
    """The county's home visit 入户抽查 before approval (spot-check, 备案 and complained cases)."""

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", _("Matches the township's findings")
        DISCREPANCY = "discrepancy", _("Discrepancy found")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="county_visits")
    visited_on = models.DateField(_("date"))
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("visitors"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("recorded"), default=timezone.now)
    # A discrepancy blocks approval until the case is returned, or the reviewer records here why
    # eligibility stands nonetheless (a reasoned, audited override).
    override_reason = models.TextField(_("why eligibility stands"), blank=True, editable=False)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    override_at = models.DateTimeField(_("override recorded"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("county home visit")
        verbose_name_plural = _("county home visits")
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.visited_on} #{self.application_id}"

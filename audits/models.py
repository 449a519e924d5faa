"""Audit work lists. Reconciliation findings: the ledger 建档立卡 against the 低保/特困 rolls."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.ids import mask_id_number


class FindingKind(models.TextChoices):
    """docs/interfaces.md §4."""

    NOT_COVERED = "not_covered", _("Registered poor, on neither 低保 nor 特困")
    COVERED_OUT_OF_POVERTY = "covered_out_of_poverty", _("On 低保/特困, declared out of poverty")
    IDENTITY_MISMATCH = "identity_mismatch", _("Same ID number, different name")
    HOUSEHOLD_MISMATCH = "household_mismatch", _("Households split or merged differently")
    NOT_REGISTERED = "not_registered", _("On 低保/特困, absent from the ledger (for information)")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    # Resolved as "include" or "stop": waiting for the application or re-verification it started.
    ACTING = "acting", _("In hand: waiting for what it started")
    RESOLVED = "resolved", _("Resolved")


class Resolution(models.TextChoices):
    CHECK = "check", _("Checked, nothing to change")
    INCLUDE = "include", _("Include: an application is started")
    STOP = "stop", _("Stop: the benefit is to be stopped")
    CORRECT = "correct", _("Correct: our registry is corrected")
    # Set by reconciliation itself, never by a person: the discrepancy is gone.
    CLEARED = "cleared", _("Cleared: no longer found")


PERSON_RESOLUTIONS = (Resolution.CHECK, Resolution.INCLUDE, Resolution.STOP, Resolution.CORRECT)


class Finding(models.Model):
    """One discrepancy between the ledger and our registry, as a work item.

    `key` names the discrepancy (kind + the records involved), so a re-run finds it again rather
    than twice. A resolved finding stays resolved while reconciliation still sees it; one that
    disappears is cleared, and if it comes back it is reopened.
    """

    key = models.CharField(_("key"), max_length=120, unique=True, editable=False)
    kind = models.CharField(_("finding"), max_length=32, choices=FindingKind.choices, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("household"),
    )
    ledger_household_number = models.CharField(_("ledger household number"), max_length=64, blank=True)
    township = models.ForeignKey(
        "households.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("township"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # The part of the comparison that found it (`ReconciliationUnit.key`): a run recomputes only
    # the parts whose inputs changed, and the findings of those.
    unit = models.CharField(max_length=80, blank=True, default="", db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN, editable=False
    )
    present = models.BooleanField(_("found by the last run"), default=True, editable=False)
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, blank=True, editable=False
    )
    note = models.TextField(_("note"), blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
        editable=False,
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)
    # What resolving it started ("include": an application; "stop" or out of poverty: a review);
    # the finding closes when that finishes.
    application = models.ForeignKey(
        "benefits.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application started"),
        editable=False,
    )
    review = models.ForeignKey(
        "benefits.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("re-verification started"),
        editable=False,
    )
    first_found = models.DateTimeField(_("first found"), default=timezone.now, editable=False)
    last_found = models.DateTimeField(_("last found"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reconciliation finding")
        verbose_name_plural = _("reconciliation findings")
        ordering = ["kind", "township_id", "ledger_household_number", "id"]
        indexes = [models.Index(fields=["township", "status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name or self.ledger_household_number}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""


class ReconciliationUnit(models.Model):
    """A part of the reconciliation as the last run saw it: a ledger household ("L:<number>") or
    one of our households ("H:<id>"), with a hash of every input its findings are computed from
    (audits/services/reconciliation.py). A run computes the findings of the parts whose hash
    changed and leaves the others' findings as they are. Written and read by reconciliation only."""

    key = models.CharField(max_length=80, unique=True)
    fingerprint = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.key


class FindingEvent(models.Model):
    """The history of a finding (append-only): found, resolved, cleared, reopened."""

    class Action(models.TextChoices):
        FOUND = "found", _("Found")
        RESOLVED = "resolved", _("Resolved")
        CLEARED = "cleared", _("Cleared")
        REOPENED = "reopened", _("Reopened")
        STARTED = "started", _("Application or re-verification started")
        CLOSED = "closed", _("Closed: what it started is finished")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("finding event")
        verbose_name_plural = _("finding events")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}"


class SpotCheckBatch(models.Model):
    """One draw of the county's spot-check sample 入户抽查 (S §三(三)): reproducible from its seed."""

    created = models.DateTimeField(_("drawn"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seed = models.BigIntegerField(_("seed"))
    summary = models.JSONField(_("drawn per township"), default=list, blank=True)

    class Meta:
        verbose_name = _("spot-check batch")
        verbose_name_plural = _("spot-check batches")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created:%Y-%m-%d} seed {self.seed}"


class SpotCheckItem(models.Model):
    """An application considered in a draw; an application is in one batch at most."""

    batch = models.ForeignKey(SpotCheckBatch, on_delete=models.PROTECT, related_name="items")
    application = models.OneToOneField("benefits.Application", on_delete=models.PROTECT, related_name="spot_check")
    township_id = models.IntegerField(db_index=True)
    drawn = models.BooleanField(_("in the sample"))
    always_reasons = models.JSONField(_("always checked because"), default=list, blank=True)

    class Meta:
        verbose_name = _("spot-check item")
        verbose_name_plural = _("spot-check items")
        ordering = ["batch_id", "township_id", "application_id"]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.application_id} {'✓' if self.drawn else '·'}"


# The integrity work (close-relatives register, complaints, integrity findings) lives in its own
# packages; imported here so that Django registers the models with the app.
from .complaints.models import Complaint, ComplaintEvent  # noqa: E402, F401
from .integrity.finding_models import IntegrityFinding, IntegrityFindingEvent  # noqa: E402, F401
from .integrity.models import (  # noqa: E402, F401
    IntegritySettings,
    PersonKind,
    RegisteredPerson,
    RegisteredRelative,
    RelationKind,
)

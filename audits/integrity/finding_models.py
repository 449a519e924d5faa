"""The integrity checks' work list (docs/integrity.md): like the reconciliation's, each finding
has a stable key, so a re-run finds it again rather than twice; a resolved one stays resolved
while it is still found, one that disappears is cleared, and one that comes back is reopened."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IntegrityKind(models.TextChoices):
    SAME_PERSON = "same_person", _("The same person in two households")
    SHARED_HUKOU = "shared_hukou", _("The same 户籍 number across households with benefits")
    SHARED_ADDRESS = "shared_address", _("The same address across households with benefits")
    MOVED_BEFORE_APPLYING = "moved_before_applying", _("A member moved shortly before the application")
    UNVERIFIED_BENEFIT = "unverified_benefit", _("A benefit without a signed visit or a full notice period")
    RELATIVE_WORKED_CASE = "relative_worked_case", _("A registered relative worked the case")
    VILLAGE_COVERAGE = "village_coverage", _("A village's coverage far above the county's")


# Findings that name the close-relatives register, or judge a township's pattern: county only.
COUNTY_ONLY_KINDS = frozenset({IntegrityKind.RELATIVE_WORKED_CASE, IntegrityKind.VILLAGE_COVERAGE})


class IntegrityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class IntegrityResolution(models.TextChoices):
    CHECKED = "checked", _("Checked, nothing wrong")
    CORRECTED = "corrected", _("Corrected in the registry")
    REFERRED = "referred", _("Referred for investigation or review")
    STOPPED = "stopped", _("The benefit is to be stopped")
    # Set by the checks themselves, never by a person: the issue is gone.
    CLEARED = "cleared", _("Cleared: no longer found")


PERSON_RESOLUTIONS = (
    IntegrityResolution.CHECKED,
    IntegrityResolution.CORRECTED,
    IntegrityResolution.REFERRED,
    IntegrityResolution.STOPPED,
)


class IntegrityFinding(models.Model):
    key = models.CharField(_("key"), max_length=160, unique=True, editable=False)
    kind = models.CharField(_("finding"), max_length=32, choices=IntegrityKind.choices, db_index=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    township = models.ForeignKey(
        "households.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township"),
    )
    village = models.ForeignKey(
        "households.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_findings",
        verbose_name=_("household"),
    )
    application = models.ForeignKey(
        "benefits.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_findings",
        verbose_name=_("case"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=IntegrityStatus.choices, default=IntegrityStatus.OPEN, editable=False
    )
    present = models.BooleanField(_("found by the last run"), default=True, editable=False)
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=IntegrityResolution.choices, blank=True, editable=False
    )
    note = models.TextField(_("note"), blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)
    first_found = models.DateTimeField(_("first found"), default=timezone.now, editable=False)
    last_found = models.DateTimeField(_("last found"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("integrity finding")
        verbose_name_plural = _("integrity findings")
        ordering = ["kind", "township_id", "id"]
        indexes = [models.Index(fields=["township", "status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.summary}"


class IntegrityFindingEvent(models.Model):
    """The history of a finding (append-only): found, resolved, cleared, reopened."""

    class Action(models.TextChoices):
        FOUND = "found", _("Found")
        RESOLVED = "resolved", _("Resolved")
        CLEARED = "cleared", _("Cleared")
        REOPENED = "reopened", _("Reopened")

    finding = models.ForeignKey(IntegrityFinding, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(_("resolution"), max_length=16, choices=IntegrityResolution.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("integrity finding event")
        verbose_name_plural = _("integrity finding events")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action}"

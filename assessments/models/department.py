"""The departments' records (公安, 车管, 不动产 …) imported from their files, and the
discrepancies the cross-check finds between them and an assessment's declarations."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .assessment import MONEY, Assessment, Source


class DepartmentImport(models.Model):
    """One file a department sent; the same file (by its SHA-256) is imported once."""

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    data_date = models.DateField(_("data as of"))
    file = models.FileField(_("file"), upload_to="assessments/imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    updated_count = models.PositiveIntegerField(_("records updated"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("imported by")
    )
    created = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("departmental data import")
        verbose_name_plural = _("departmental data imports")
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "sha256"], name="department_import_once")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.data_date}"


class DepartmentRecord(models.Model):
    """One person-and-item row of a department's data, upserted by (source, ID number, key)."""

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    name = models.CharField(_("name"), max_length=64)
    # What identifies the item within the person: plate, certificate, credit code, employer, 户号.
    key = models.CharField(_("item key"), max_length=100)
    label = models.CharField(_("item"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    area = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    extra = models.JSONField(_("other columns"), default=dict, blank=True)
    imported = models.ForeignKey(
        DepartmentImport, on_delete=models.PROTECT, related_name="records", verbose_name=_("import")
    )
    data_date = models.DateField(_("data as of"))

    class Meta:
        verbose_name = _("departmental record")
        verbose_name_plural = _("departmental records")
        ordering = ["source", "id_number", "key"]
        constraints = [
            models.UniqueConstraint(fields=["source", "id_number", "key"], name="department_record_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.name} {self.label or self.key}"


class Discrepancy(models.Model):
    """A difference between the declarations and the departmental data, found by the cross-check."""

    class Severity(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="discrepancies", verbose_name=_("assessment")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    code = models.CharField(_("kind"), max_length=32)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    member = models.ForeignKey(
        "households.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    record = models.ForeignKey(
        DepartmentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("record")
    )
    message = models.TextField(_("message"))
    created = models.DateTimeField(_("found"), default=timezone.now)

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["assessment_id", "id"]

    def __str__(self) -> str:
        return self.message

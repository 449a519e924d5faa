"""The poverty office's registered-poor ledger 建档立卡: its records, kept apart from ours."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..ids import mask_id_number
from .places import Township, Village
from .registry import LabourCapacity, Relationship

# The kind of the job record of one ledger import (sunwu_relief.jobs).
LEDGER_IMPORT_JOB = "ledger_import"


class PovertyStatus(models.TextChoices):
    NOT_OUT = "not_out", _("Not out of poverty (未脱贫)")
    OUT = "out", _("Out of poverty (已脱贫)")


class PovertyAttribute(models.TextChoices):
    GENERAL = "general", _("General poor household (一般贫困户)")
    DIBAO = "dibao", _("Dibao poor household (低保贫困户)")
    TEKUN = "tekun", _("Extreme-poverty supported household (特困供养贫困户)")


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("Illness (因病)")
    DISABILITY = "disability", _("Disability (因残)")
    EDUCATION = "education", _("Education costs (因学)")
    DISASTER = "disaster", _("Disaster (因灾)")
    LAND = "land", _("Lack of land (缺土地)")
    WATER = "water", _("Lack of water (缺水)")
    SKILLS = "skills", _("Lack of skills (缺技术)")
    LABOUR = "labour", _("Lack of labour (缺劳力)")
    CAPITAL = "capital", _("Lack of capital (缺资金)")
    TRANSPORT = "transport", _("Poor transport (交通条件落后)")
    MOTIVATION = "motivation", _("Lack of own drive (自身发展动力不足)")
    OTHER = "other", _("Other (其他)")


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", _("Healthy (健康)")
    CHRONIC = "chronic", _("Chronic illness (长期慢性病)")
    SERIOUS = "serious", _("Serious illness (患有大病)")
    DISABLED = "disabled", _("Disabled (残疾)")


class LedgerRecord(models.Model):
    """One person of the poverty office's registered-poor ledger 建档立卡.

    The poverty office's data, kept apart from ours: written only by its imports
    (households.services.ledger_import), never by a form or the admin.
    """

    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=64)
    household_number = models.CharField(_("ledger household number"), max_length=64, db_index=True)
    relationship = models.CharField(_("relationship to head"), max_length=20, choices=Relationship.choices)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    poverty_attribute = models.CharField(_("poverty attribute"), max_length=32, choices=PovertyAttribute.choices)
    poverty_status = models.CharField(_("poverty status"), max_length=8, choices=PovertyStatus.choices)
    exit_year = models.PositiveSmallIntegerField(_("exit year"), null=True, blank=True)
    poverty_cause = models.CharField(
        _("main cause of poverty"), max_length=32, choices=PovertyCause.choices, blank=True
    )
    labour_capacity = models.CharField(_("labour capacity"), max_length=32, choices=LabourCapacity.choices, blank=True)
    health = models.CharField(_("health"), max_length=16, choices=HealthStatus.choices, blank=True)
    removed = models.BooleanField(_("removed from the ledger"), default=False)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    # The import run that last saw this person, and where: finds the same ID twice in one file and,
    # with replace, the registrations absent from it.
    last_import = models.CharField(_("last import"), max_length=32, blank=True, db_index=True, editable=False)
    source_row = models.PositiveIntegerField(_("row in the last import"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registered-poor record")
        verbose_name_plural = _("registered-poor ledger")
        ordering = ["household_number", "id"]
        indexes = [models.Index(fields=["township", "removed"])]

    def __str__(self) -> str:
        return f"{self.household_number} {self.name}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

"""What the audit trail says about the statistics report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatisticsEvent(models.TextChoices):
    EXPORT = "statistics.export", _("Monthly statistics report downloaded")

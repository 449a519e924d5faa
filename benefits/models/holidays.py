"""Public holidays and make-up working days, for working-day deadlines."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sunwu_relief.text import validate_plain_text


class Holiday(models.Model):
    """Public holidays (and make-up working days 调休) for working-day deadlines: policy data.

    Loaded from the State Council's yearly schedule as published in the `chinesecalendar`
    package (`load_holidays`); the bureau may correct or add days in the admin, and such a
    row is never overwritten by a later load."""

    class Source(models.TextChoices):
        OFFICIAL = "chinesecalendar", _("State Council schedule (chinesecalendar)")
        MANUAL = "manual", _("Entered by the bureau")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=64, validators=[validate_plain_text])
    is_working_day = models.BooleanField(_("make-up working day"), default=False)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

"""The audit trail's vocabulary for the integrity work (close-relatives register, filing, checks)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrityEvent(models.TextChoices):
    PERSON_SAVE = "integrity.person_save", _("Staff member or cadre registered or changed")
    RELATIVE_REGISTER = "integrity.relative_register", _("Close relative registered")
    RELATIVE_REMOVE = "integrity.relative_remove", _("Close relative's registration ended")
    RELATION_SAVE = "integrity.relation_save", _("Close-relative relation saved")
    SETTINGS_SAVE = "integrity.settings_save", _("Integrity settings saved")
    APPLICATION_FILE = "application.file", _("Case filed (备案)")
    RUN = "integrity.run", _("Integrity checks run")
    FINDING_RESOLVE = "integrity.finding_resolve", _("Integrity finding resolved")

"""The audit actions of 特困 support by place (labels as in `sunwu_relief.labels`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CareEvent(models.TextChoices):
    HOME_SAVE = "carehome.save", _("Care home saved")
    PLACEMENT_START = "placement.start", _("特困 person placed")
    PLACEMENT_MOVE = "placement.move", _("特困 person moved")
    PLACEMENT_END = "placement.end", _("Placement ended")
    SELF_CARE_ASSESS = "selfcare.assess", _("Self-care ability assessed")
    LIVING_LEVEL_SAVE = "living_level.save", _("Rural living level recorded (特困 standard review)")

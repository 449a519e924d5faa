"""The audit actions of the one door (labels as in `sunwu_relief.labels`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeEvent(models.TextChoices):
    REGISTER = "intake.register", _("Request registered at the one door (一门受理)")
    LINK_MEMBER = "intake.link_member", _("Request linked to a member of the registry")
    TO_APPLICATION = "intake.to_application", _("Request became an application")
    REFER = "intake.refer", _("Request referred to another department")
    ANSWER = "intake.answer", _("Department's answer to a referral recorded")
    CLOSE = "intake.close", _("Request closed with a reason")
    DEPARTMENT_SAVE = "department.save", _("Referral department saved")

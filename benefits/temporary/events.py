"""What the audit trail says about temporary assistance (one member per step)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TemporaryEvent(models.TextChoices):
    CREATE = "temporary.create", _("Temporary assistance recorded")
    START_INVESTIGATION = "temporary.start_investigation", _("Temporary assistance: investigation started")
    FINISH_INVESTIGATION = "temporary.finish_investigation", _("Temporary assistance: household's means assessed")
    TOWNSHIP_REVIEW = "temporary.township_review", _("Temporary assistance: township review, notice opened")
    OBJECTION_UPHELD = "temporary.objection_upheld", _("Temporary assistance: objection upheld")
    TOWNSHIP_APPROVE = "temporary.township_approve", _("Temporary assistance granted by the township")
    SEND_TO_COUNTY = "temporary.send_to_county", _("Temporary assistance sent to the county")
    TOWNSHIP_REJECT = "temporary.township_reject", _("Temporary assistance refused by the township")
    COUNTY_APPROVE = "temporary.county_approve", _("Temporary assistance granted by the county")
    COUNTY_REJECT = "temporary.county_reject", _("Temporary assistance refused by the county")
    SUPPLEMENT = "temporary.supplement", _("Temporary assistance: remaining steps completed")

    @property
    def step(self) -> str:
        """The step's name on the case's timeline (`township_approve`)."""
        return self.value.split(".", 1)[1]

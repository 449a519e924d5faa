"""The audit actions of dynamic management (labels as in `sunwu_relief.labels`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewEvent(models.TextChoices):
    OPEN = "review.open", _("Re-verification opened")
    REASON_ADD = "review.reason_add", _("Reason added to an open re-verification")
    START = "review.start", _("Re-verification investigation started")
    PROPOSE = "review.propose", _("Re-verification outcome proposed by the caseworker")
    TOWNSHIP_APPROVE = "review.township_approve", _("Re-verification outcome agreed by the township")
    RETURN = "review.return", _("Re-verification returned for a new investigation")
    DECIDE = "review.decide", _("Re-verification decided")
    CANCEL = "review.cancel", _("Re-verification cancelled")
    CAMPAIGN_CREATE = "campaign.create", _("Clean-up campaign created")
    CAMPAIGN_LAUNCH = "campaign.launch", _("Clean-up campaign launched")
    CAMPAIGN_CHECKER = "campaign.checker", _("Campaign checker assigned")
    CAMPAIGN_ACCEPT = "campaign.accept", _("Clean-up campaign accepted by the bureau")

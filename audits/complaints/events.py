"""The audit trail's vocabulary for complaints 举报."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintAuditEvent(models.TextChoices):
    RECORD = "complaint.record", _("Complaint recorded")
    ASSIGN = "complaint.assign", _("Complaint assigned")
    FINDINGS = "complaint.findings", _("Complaint's findings recorded")
    ANSWER = "complaint.answer", _("Complaint answered")
    CLOSE = "complaint.close", _("Complaint closed")
    REVIEW = "complaint.review", _("Review after a complaint recorded")

"""What the audit trail can say about audit work: every `record_event(action=…)` of this app is a
member here. The values are stored in `AuditEvent.action`: never change one, add new ones."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditsEvent(models.TextChoices):
    RECONCILIATION_RUN = "reconciliation.run", _("Reconciliation run")
    FINDING_RESOLVE = "finding.resolve", _("Finding resolved")
    FINDING_CLOSE = "finding.close", _("Finding closed: what it started is finished")
    SPOT_CHECK_DRAW = "spot_check.draw", _("Spot-check sample drawn")
    ASSISTANCE_STATUS_QUERY = "api.assistance_status", _("Assistance status queried (API)")

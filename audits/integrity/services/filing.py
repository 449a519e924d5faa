"""Filing 备案 a case under way once the register matches it after it was submitted."""

from collections.abc import Iterable

from django.db import transaction

from benefits.models import IN_PROCEDURE, Application
from households.models import Member
from sunwu_relief.audit import record_event
from sunwu_relief.authz import system

from ..events import IntegrityEvent
from ..matching import filing_reasons_for


@transaction.atomic
def application_file(*, actor, application: Application, reasons: list[str]) -> Application:
    """File a case under way 备案 once a match appears after it was submitted (never unfiles)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.filed or not reasons:
        return application
    application.filed = True
    application.filed_reasons = reasons
    application._history_user = None
    application.save(update_fields=["filed", "filed_reasons"])
    record_event(actor=actor, action=IntegrityEvent.APPLICATION_FILE, obj=application, reasons=reasons)
    return application


def refile_open_cases(*, id_numbers: Iterable[str]) -> int:
    """File every case under way of a household with a member among `id_numbers`."""
    households = Member.objects.filter(id_number__in=list(id_numbers)).values("household_id")
    count = 0
    actor = system("integrity:register")
    for application in Application.objects.filter(
        household_id__in=households, status__in=IN_PROCEDURE, filed=False
    ).select_related("household"):
        reasons = filing_reasons_for(application.household)
        if reasons:
            application_file(actor=actor, application=application, reasons=reasons)
            count += 1
    return count

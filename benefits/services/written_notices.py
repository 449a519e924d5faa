"""Written notices (书面通知) and their delivery (送达)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.services import check_document
from households.models import Household
from households.selectors import contacts_for
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput
from sunwu_relief.roles import Role
from sunwu_relief.text import validate_plain_text

from .. import rules
from ..events import BenefitEvent
from ..models import (
    Application,
    BenefitChange,
    DeliveryMethod,
    WrittenNotice,
)
from ..selectors import working_day_deadline
from .common import _require, today


def appeal_text(household: Household) -> str:
    """How to appeal and where to complain, from the county settings in force when the notice is
    issued (the body of a written notice is a legal record: it keeps the text it was issued with)."""
    return contacts_for(household.township).appeal_text


def _written_notice(
    *,
    kind: str,
    household: Household,
    township_id: int,
    addressee: str,
    reason_code: str,
    body: str,
    application: Application | None = None,
    benefit_change: BenefitChange | None = None,
    standard: dict | None = None,
) -> WrittenNotice:
    issued = today()
    days = rules.policy_number("written_notice_days", snapshot=standard)
    return WrittenNotice.objects.create(
        kind=kind,
        household=household,
        township_id=township_id,
        application=application,
        benefit_change=benefit_change,
        addressee=addressee,
        reason_code=reason_code,
        body=body,
        issued_on=issued,
        due_on=working_day_deadline(issued, days),
    )


# Delivery of written notices (送达) ----------------------------------------------------------


@transaction.atomic
def written_notice_deliver(
    *,
    actor,
    notice: WrittenNotice,
    delivered_on: datetime.date,
    method: str,
    received_by: str,
    receipt=None,
) -> WrittenNotice:
    """Record how a written notice reached the family: on which day, by whom (the actor), how,
    who received it, and the signed receipt 送达回证. Township staff of the household's township
    (or the bureau). A notice is delivered once: a repeat changes nothing."""

    notice = WrittenNotice.objects.select_for_update().get(pk=notice.pk)
    _require(actor, Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, township_id=notice.township_id)
    if notice.delivered_on is not None:
        return notice
    errors: dict[str, list[str]] = {}
    if delivered_on > today() or delivered_on < notice.issued_on:
        errors["delivered_on"] = [_("The date lies between the issue date and today.")]
    if method not in DeliveryMethod.values:
        errors["method"] = [_("Choose how the notice was delivered.")]
    received_by = received_by.strip()
    if not received_by:
        errors["received_by"] = [_("Who received the notice?")]
    else:
        try:
            validate_plain_text(received_by)
        except ValidationError as exc:
            errors["received_by"] = exc.messages
    if receipt is None:
        errors["receipt"] = [_("Upload the signed receipt (送达回证).")]
    if errors:
        raise InvalidInput(field_errors=errors)
    check_document(receipt, field="receipt")
    notice.delivered_on = delivered_on
    notice.delivered_by = actor
    notice.delivery_method = method
    notice.received_by = received_by
    notice.receipt = receipt
    notice.save(update_fields=["delivered_on", "delivered_by", "delivery_method", "received_by", "receipt"])
    record_event(
        actor=actor,
        action=BenefitEvent.WRITTEN_NOTICE_DELIVER,
        obj=notice,
        delivered_on=delivered_on,
        method=method,
        late=delivered_on > notice.due_on,
    )
    return notice

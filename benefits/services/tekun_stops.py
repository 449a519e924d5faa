"""Stopping 特困 support: 7 days of public notice first (特困人员认定办法)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import DomainError, InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role

from .. import rules
from ..events import BenefitEvent
from ..models import (
    Benefit,
    BenefitChange,
    BenefitStatus,
    Programme,
    StopNotice,
)
from ..selectors import standard_for
from .benefit_changes import benefit_change
from .common import _require, _require_reason, today

# Stopping 特困 support: 7 days of public notice first (特困人员认定办法) ------------------------


@transaction.atomic
def tekun_stop_propose(*, actor, benefit: Benefit, reason_code: str, reason: str) -> StopNotice:
    """Publish the proposed stop of a 特困 benefit in the person's village (notice period of the
    standard, 7 days); the stop itself follows when the period is over (`stop_notices_complete`)."""
    benefit = Benefit.objects.select_for_update().select_related("household").get(pk=benefit.pk)
    _require(actor, Role.BUREAU_REVIEWER, township_id=benefit.township_id)
    running = benefit.stop_notices.filter(status=StopNotice.Status.RUNNING).first()
    if running is not None:
        return running
    if benefit.programme != Programme.TEKUN:
        raise WorkflowError(problems=[Problem("stop_notice.not_tekun", _("Only a 特困 stop is publicly noticed."))])
    if benefit.status == BenefitStatus.STOPPED:
        raise WorkflowError(problems=[Problem("stop_notice.already_stopped", _("This benefit is already stopped."))])
    _require_reason(reason_code, reason)
    person = benefit.covered_members.order_by("pk").first()
    standard = standard_for(Programme.TEKUN, today().year)
    days = rules.policy_number("notice_days", snapshot=benefit.standard_snapshot, standard=standard)
    start = today()
    notice = StopNotice.objects.create(
        benefit=benefit,
        township_id=benefit.township_id,
        village_id=benefit.household.village_id,
        person_name=person.name if person else "",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days),
        reason_code=reason_code,
        reason=reason.strip(),
        requested_by=actor,
    )
    record_event(
        actor=actor, action=BenefitEvent.STOP_NOTICE_OPEN, obj=notice, benefit=benefit.pk, reason_code=reason_code
    )
    return notice


@transaction.atomic
def stop_notice_cancel(*, actor, notice: StopNotice, reason: str) -> StopNotice:
    """Withdraw a proposed stop (an objection showed the person still qualifies). Audited."""
    notice = StopNotice.objects.select_for_update().get(pk=notice.pk)
    _require(actor, Role.BUREAU_REVIEWER, township_id=notice.township_id)
    if notice.status != StopNotice.Status.RUNNING:
        return notice
    if not reason.strip():
        raise InvalidInput(field_errors={"reason": [_("Record why the stop is withdrawn.")]})
    notice.status = StopNotice.Status.CANCELLED
    notice.save(update_fields=["status"])
    record_event(actor=actor, action=BenefitEvent.STOP_NOTICE_CANCEL, obj=notice, reason=reason.strip())
    return notice


def stop_notices_complete(*, actor, on: datetime.date | None = None) -> int:
    """Decide the stops whose notice period is over (nightly, and `close_notices`): each a
    decision with its written notice, from the month after. Idempotent."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    on = on or today()
    done = 0
    for pk in StopNotice.objects.filter(status=StopNotice.Status.RUNNING, ends_on__lt=min(on, today())).values_list(
        "pk", flat=True
    ):
        try:
            done += _stop_notice_complete(pk, actor=actor)
        except DomainError:
            continue  # changed meanwhile (e.g. the benefit was stopped otherwise); the next run sees it
    return done


@transaction.atomic
def _stop_notice_complete(pk: int, *, actor) -> int:
    notice = StopNotice.objects.select_for_update().get(pk=pk)
    if notice.status != StopNotice.Status.RUNNING:
        return 0
    change = benefit_change(
        actor=actor,
        benefit=notice.benefit,
        kind=BenefitChange.Kind.STOP,
        effective_month=rules.next_month(today()),
        reason_code=notice.reason_code,
        reason=f"{notice.reason}（已于{notice.starts_on:%Y年%m月%d日}至{notice.ends_on:%m月%d日}公示）",
    )
    notice.status = StopNotice.Status.DONE
    notice.change = change
    notice.save(update_fields=["status", "change"])
    record_event(actor=actor, action=BenefitEvent.STOP_NOTICE_COMPLETE, obj=notice, change=change.pk)
    return 1

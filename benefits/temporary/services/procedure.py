"""支出型 临时救助 follows the normal steps before its decision: the investigation of the
household's means (a home visit by at least two staff: the necessary spending, what insurance
and other help pay, what the household can bear), the township's review with its opinion and
the proposed amount, the public notice 公示 in the village; an upheld objection sends the case
back to a new investigation. The decision itself is in `cases` (township within its limit,
county above it)."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief import clock
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role

from ... import rules
from .. import workflow
from ..events import TemporaryEvent
from ..models import TemporaryAssessment, TemporaryCase, TemporaryStatus
from .common import amount_problems, checked, lock, record_step, require_on_case, standard_on

_NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")


def _move(case: TemporaryCase, action: str) -> str:
    """The status before the move; the case's status set to where `action` leads."""
    before = case.status
    case.status = workflow.next_status(case.kind, case.status, action)
    return before


@transaction.atomic
def temporary_investigation_start(*, actor, case: TemporaryCase) -> TemporaryCase:
    case = lock(case)
    require_on_case(actor, case, roles=[Role.CASEWORKER], message=_("Only a township caseworker investigates a case."))
    if case.status == TemporaryStatus.INVESTIGATING:
        return case  # a double submit
    before = _move(case, "start_investigation")
    case.save(update_fields=["status"])
    record_step(actor=actor, case=case, event=TemporaryEvent.START_INVESTIGATION, from_status=before)
    return case


def _money(value, *, field: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal("-1")
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(rules.FEN):
        raise InvalidInput(
            field_errors={field: [Problem("temporary.bad_money", _("An amount in yuan, at least 0, two decimals."))]}
        )
    return amount


@transaction.atomic
def temporary_assessment_record(
    *,
    actor,
    case: TemporaryCase,
    visited_on: datetime.date,
    investigators: str,
    spending,
    covered,
    own_means,
    findings: str,
) -> TemporaryAssessment:
    """The investigation's result: the case goes to the township's review."""
    case = lock(case)
    require_on_case(actor, case, roles=[Role.CASEWORKER], message=_("Only a township caseworker investigates a case."))
    workflow.next_status(case.kind, case.status, "finish_investigation")
    investigators = checked(investigators, field="investigators", required=True)
    findings = checked(findings, field="findings", multiline=True, required=True)
    amounts = {
        name: _money(value, field=name)
        for name, value in (("spending", spending), ("covered", covered), ("own_means", own_means))
    }
    problems = []
    names = [name for name in _NAME_SEPARATORS.split(investigators) if name]
    if len(set(names)) < 2:
        problems.append(Problem("temporary.two_investigators", _("A home visit is made by at least two staff.")))
    if visited_on > clock.today() or visited_on < timezone.localdate(case.reported_at):
        problems.append(Problem("temporary.bad_visit_date", _("The visit is between the request and today.")))
    if problems:
        raise WorkflowError(problems=problems)
    assessment = TemporaryAssessment.objects.create(
        case=case,
        visited_on=visited_on,
        investigators="、".join(names),
        findings=findings,
        recorded_by=actor,
        **amounts,
    )
    before = _move(case, "finish_investigation")
    case.save(update_fields=["status"])
    record_step(
        actor=actor,
        case=case,
        event=TemporaryEvent.FINISH_INVESTIGATION,
        from_status=before,
        comment=findings,
        beyond_means=str(assessment.beyond_means),
    )
    return assessment


@transaction.atomic
def temporary_township_review(*, actor, case: TemporaryCase, opinion: str, amount=None) -> TemporaryCase:
    """The township's opinion and the proposed amount (at most the spending beyond the household's
    means, at most the cap); the public notice opens for the standard's days."""
    case = lock(case)
    require_on_case(actor, case, roles=[Role.TOWNSHIP_REVIEWER], message=_("Only a township reviewer reviews a case."))
    if case.status == TemporaryStatus.PUBLIC_NOTICE:
        return case  # a double submit
    workflow.next_status(case.kind, case.status, "township_review")
    opinion = checked(opinion, field="opinion", required=True)
    proposed = case.amount if amount in (None, "") else _money(amount, field="amount")
    standard = standard_on(clock.today())
    assessment = case.assessments.order_by("-created", "-id").first()
    problems = amount_problems(proposed, standard)
    if assessment is None:
        problems.append(Problem("temporary.no_assessment", _("The household's means are not assessed yet.")))
    else:
        if assessment.recorded_by_id == actor.pk:
            problems.append(Problem("temporary.reviewer_investigated", _("The reviewer may not have investigated.")))
        if assessment.beyond_means <= 0:
            problems.append(
                Problem("temporary.within_means", _("The spending is within the household's means: refuse the case."))
            )
        elif proposed > assessment.beyond_means:
            problems.append(
                Problem(
                    "temporary.above_need",
                    _("Above the spending beyond the household's means (%(need)s yuan).")
                    % {"need": assessment.beyond_means},
                )
            )
    if problems:
        raise WorkflowError(problems=problems)
    before = _move(case, "township_review")
    case.amount = proposed
    case.township_opinion = opinion
    case.notice_starts_on = clock.today()
    case.notice_ends_on = case.notice_starts_on + datetime.timedelta(days=standard.notice_days)
    case.save(update_fields=["status", "amount", "township_opinion", "notice_starts_on", "notice_ends_on"])
    record_step(
        actor=actor,
        case=case,
        event=TemporaryEvent.TOWNSHIP_REVIEW,
        from_status=before,
        comment=opinion,
        amount=str(case.amount),
        notice_ends_on=case.notice_ends_on.isoformat(),
    )
    return case


@transaction.atomic
def temporary_objection_uphold(*, actor, case: TemporaryCase, reason: str) -> TemporaryCase:
    """An objection to the notice found right: a new investigation, and a new notice after it."""
    case = lock(case)
    require_on_case(
        actor, case, roles=[Role.TOWNSHIP_REVIEWER], message=_("Only a township reviewer decides an objection.")
    )
    workflow.next_status(case.kind, case.status, "objection_upheld")
    reason = checked(reason, field="reason", multiline=True, required=True)
    before = _move(case, "objection_upheld")
    case.notice_starts_on = case.notice_ends_on = None
    case.save(update_fields=["status", "notice_starts_on", "notice_ends_on"])
    record_step(actor=actor, case=case, event=TemporaryEvent.OBJECTION_UPHELD, from_status=before, comment=reason)
    return case

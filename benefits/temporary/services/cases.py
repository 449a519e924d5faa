"""Writes for 临时救助: record a case, the township's grant within its limit (an emergency grant
先行救助 within its hours of the request, its remaining steps 补办 due within working days), the
county's decision above the limit, a refusal, the remaining steps completed. Numbers from the
`temporary` standard; each move checked against `workflow.ALLOWED`."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from households.models import Household
from households.selectors import households_for
from sunwu_relief import clock
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role, township_id_of

from ... import rules
from ...models import Standard, WrittenNotice
from ...selectors import working_day_deadline
from .. import workflow
from ..events import TemporaryEvent
from ..models import GrantForm, TemporaryCase, TemporaryKind, TemporaryPayment, TemporaryStatus
from .common import (
    KIND_NAMES,
    TemporaryData,
    as_data,
    checked,
    field_errors,
    lock,
    problems_of,
    record_step,
    require_on_case,
    standard_on,
    temporary_cap,
    written_notice,
)


@transaction.atomic
def temporary_case_create(*, actor, data: TemporaryData, household: Household | None = None) -> TemporaryCase:
    """A caseworker records a case (受理): a member of a household of the township, or a person
    without a household in our registry (流动人员) in the caseworker's township."""
    require(
        actor,
        roles=[Role.CASEWORKER],
        allow_system=False,
        message=_("Only a township caseworker records temporary assistance."),
    )
    township_id = township_id_of(actor)
    if data.member is not None:
        household = data.member.household
        if not households_for(actor).filter(pk=household.pk).exists():
            raise OutOfScope()
    elif household is not None:
        raise InvalidInput(field_errors={"member": [_("Choose the member of the household.")]})
    errors = field_errors(data)
    if errors:
        raise InvalidInput(field_errors=errors)
    requested = data.requested_at or timezone.now()
    standard = standard_on(timezone.localdate(requested))
    problems = problems_of(data, standard)
    if problems:
        raise WorkflowError(problems=problems)
    member = data.member
    case = TemporaryCase.objects.create(
        kind=data.kind,
        cause=data.cause,
        township_id=household.township_id if household else township_id,
        household=household,
        member=member,
        person_name=member.name if member else data.person_name.strip(),
        person_id_number=member.id_number
        if member
        else validate_id_number(data.person_id_number)
        if data.person_id_number
        else "",
        person_origin=data.person_origin.strip(),
        person_phone=data.person_phone.strip(),
        circumstances=data.circumstances.strip(),
        amount=Decimal(data.amount),
        form=data.form,
        in_kind=data.in_kind.strip() if data.form == GrantForm.IN_KIND else "",
        emergency_grant=data.emergency_grant,
        reported_at=requested,
        # The limit in force when the person asked, kept with the case.
        emergency_deadline=requested + datetime.timedelta(hours=standard.temporary_emergency_hours)
        if data.emergency_grant
        else None,
        created_by=actor,
    )
    record_step(actor=actor, case=case, event=TemporaryEvent.CREATE, from_status="", amount=str(case.amount))
    return case


def _explanation(case: TemporaryCase, standard: Standard, level: str) -> str:
    limit, cap = standard.temporary_township_limit, temporary_cap(standard)
    given = f"实物：{case.in_kind}" if case.form == GrantForm.IN_KIND else "现金"
    body = (
        f"临时救助（{KIND_NAMES[case.kind]}）{rules._fmt(case.amount)} 元（{given}），"
        f"不超过救助上限 {rules._fmt(standard.temporary_cap_months)} × {rules._fmt(standard.monthly_standard)} = "
        f"{rules._fmt(cap)} 元"
    )
    if level == "township":
        return body + f"，在乡镇审批限额 {rules._fmt(limit)} 元以内，由乡镇审批并报县民政局备案"
    return body + f"，超过乡镇审批限额 {rules._fmt(limit)} 元，由县民政局审批"


def _late(case: TemporaryCase, now: datetime.datetime) -> bool:
    return case.emergency_deadline is not None and now > case.emergency_deadline


def _late_reason(case: TemporaryCase, now: datetime.datetime, late_reason: str) -> str:
    """An emergency grant past its limit may still be given (the need is real), but flagged
    late with the reason for the delay."""
    if not _late(case, now):
        return ""
    reason = checked(late_reason, field="late_reason", multiline=True)
    if not reason:
        raise WorkflowError(
            problems=[
                Problem(
                    "temporary.late_reason_missing",
                    _("The emergency limit has passed: say why the grant comes late."),
                )
            ]
        )
    return reason


def _decide(case: TemporaryCase, *, actor, level: str, status: str, now: datetime.datetime) -> None:
    case.status = status
    case.decided_level, case.decided_at, case.decided_by = level, now, actor
    case.decided_late = _late(case, now)


def _grant(
    case: TemporaryCase, *, actor, event: TemporaryEvent, level: str, standard: Standard, opinion: str, late_reason: str
) -> TemporaryCase:
    now = timezone.now()
    from_status = case.status
    case.late_reason = late_reason
    _decide(case, actor=actor, level=level, status=TemporaryStatus.GRANTED, now=now)
    case.standard_snapshot = standard.snapshot()
    case.explanation = _explanation(case, standard, level)
    if case.emergency_grant:
        case.supplement_due = working_day_deadline(clock.today(), standard.temporary_supplement_days)
    written_notice(
        case,
        kind=WrittenNotice.Kind.APPROVAL,
        text=f"{case.person_name}：经审核，给予{case.explanation}。",
    )
    case.save()
    if case.form == GrantForm.CASH:
        TemporaryPayment.objects.create(
            case=case,
            township_id=case.township_id,
            payee_name=case.person_name,
            payee_id_number=case.person_id_number,
            amount=case.amount,
        )
    record_step(
        actor=actor,
        case=case,
        event=event,
        from_status=from_status,
        comment=opinion,
        level=level,
        amount=str(case.amount),
        late=case.decided_late,
    )
    return case


def _notice_over(case: TemporaryCase) -> None:
    if case.status == TemporaryStatus.PUBLIC_NOTICE and clock.today() <= case.notice_ends_on:
        raise WorkflowError(
            problems=[
                Problem(
                    "temporary.notice_running",
                    _("The notice period runs until %(date)s.") % {"date": case.notice_ends_on.isoformat()},
                )
            ]
        )


@transaction.atomic
def temporary_township_approve(*, actor, case: TemporaryCase, opinion: str, late_reason: str = "") -> TemporaryCase:
    """The township grants a case within its limit: an emergency at once (先行救助), a 支出型 case
    once its public notice is over. Above the limit it may not: the case goes to the county."""
    case = lock(case)
    require_on_case(
        actor,
        case,
        roles=[Role.TOWNSHIP_REVIEWER],
        message=_("Only a township reviewer approves temporary assistance."),
    )
    if case.status == workflow.target(case.kind, "township_approve") and case.decided_level == "township":
        return case  # a double submit
    workflow.next_status(case.kind, case.status, "township_approve", code="temporary.not_open")
    opinion = checked(opinion, field="opinion", required=True)
    _notice_over(case)
    standard = standard_on(clock.today())
    problems = problems_of(as_data(case), standard)
    if case.amount > standard.temporary_township_limit:
        problems.append(
            Problem(
                "temporary.above_township_limit",
                _("Above the township's limit of %(limit)s yuan: send it to the county.")
                % {"limit": standard.temporary_township_limit},
            )
        )
    if problems:
        raise WorkflowError(problems=problems)
    late_reason = _late_reason(case, timezone.now(), late_reason)
    case.township_opinion = opinion
    return _grant(
        case,
        actor=actor,
        event=TemporaryEvent.TOWNSHIP_APPROVE,
        level="township",
        standard=standard,
        opinion=opinion,
        late_reason=late_reason,
    )


@transaction.atomic
def temporary_send_to_county(*, actor, case: TemporaryCase, opinion: str) -> TemporaryCase:
    case = lock(case)
    require_on_case(
        actor, case, roles=[Role.TOWNSHIP_REVIEWER], message=_("Only a township reviewer sends a case to the county.")
    )
    if case.status == TemporaryStatus.COUNTY_REVIEW:
        return case  # a double submit
    workflow.next_status(case.kind, case.status, "send_to_county", code="temporary.not_open")
    opinion = checked(opinion, field="opinion", required=True)
    _notice_over(case)
    standard = standard_on(clock.today())
    if case.amount <= standard.temporary_township_limit:
        raise WorkflowError(
            problems=[
                Problem("temporary.within_township_limit", _("Within the township's limit: the township decides."))
            ]
        )
    from_status = case.status
    case.township_opinion = opinion
    case.status = TemporaryStatus.COUNTY_REVIEW
    case.sent_to_county_at = timezone.now()
    case.save(update_fields=["township_opinion", "status", "sent_to_county_at"])
    record_step(actor=actor, case=case, event=TemporaryEvent.SEND_TO_COUNTY, from_status=from_status, comment=opinion)
    return case


@transaction.atomic
def temporary_county_approve(*, actor, case: TemporaryCase, opinion: str, late_reason: str = "") -> TemporaryCase:
    case = lock(case)
    require(
        actor,
        roles=[Role.BUREAU_REVIEWER],
        allow_system=False,
        message=_("Only the county bureau decides above the township's limit."),
    )
    if case.status == TemporaryStatus.GRANTED and case.decided_level == "county":
        return case  # a double submit
    workflow.next_status(case.kind, case.status, "county_approve", code="temporary.not_at_county")
    opinion = checked(opinion, field="opinion", required=True)
    standard = standard_on(clock.today())
    problems = problems_of(as_data(case), standard)
    if problems:
        raise WorkflowError(problems=problems)
    late_reason = _late_reason(case, timezone.now(), late_reason)
    case.county_opinion = opinion
    return _grant(
        case,
        actor=actor,
        event=TemporaryEvent.COUNTY_APPROVE,
        level="county",
        standard=standard,
        opinion=opinion,
        late_reason=late_reason,
    )


@transaction.atomic
def temporary_reject(*, actor, case: TemporaryCase, reason: str) -> TemporaryCase:
    """The township refuses a case before its decision, the county one awaiting the county;
    with reasons and the written notice."""
    case = lock(case)
    at_county = case.status == TemporaryStatus.COUNTY_REVIEW or (
        case.status not in workflow.OPEN and case.decided_level == "county"
    )
    if at_county:
        require(
            actor,
            roles=[Role.BUREAU_REVIEWER],
            allow_system=False,
            message=_("Only the county bureau decides above the township's limit."),
        )
        event, level = TemporaryEvent.COUNTY_REJECT, "county"
    else:
        require_on_case(
            actor,
            case,
            roles=[Role.TOWNSHIP_REVIEWER],
            message=_("Only a township reviewer refuses temporary assistance."),
        )
        event, level = TemporaryEvent.TOWNSHIP_REJECT, "township"
    if case.status == TemporaryStatus.REJECTED:
        return case  # a double submit
    workflow.next_status(case.kind, case.status, event.step, code="temporary.not_open")
    reason = checked(reason, field="reason", multiline=True, required=True)
    from_status = case.status
    case.reject_reason = reason
    _decide(case, actor=actor, level=level, status=TemporaryStatus.REJECTED, now=timezone.now())
    written_notice(
        case,
        kind=WrittenNotice.Kind.REJECTION,
        text=f"{case.person_name}：经审核，不予临时救助。理由：{case.reject_reason}",
    )
    case.save()
    record_step(
        actor=actor,
        case=case,
        event=event,
        from_status=from_status,
        comment=reason,
        level=level,
        late=case.decided_late,
    )
    return case


@transaction.atomic
def temporary_supplement_complete(*, actor, case: TemporaryCase, note: str) -> TemporaryCase:
    """The remaining steps 补办 of an emergency grant are done (the file completed afterwards)."""
    case = lock(case)
    require_on_case(
        actor,
        case,
        roles=[Role.CASEWORKER, Role.TOWNSHIP_REVIEWER],
        message=_("Only the township completes the remaining steps."),
    )
    if not case.emergency_grant or case.status != TemporaryStatus.GRANTED or case.kind != TemporaryKind.EMERGENCY:
        raise WorkflowError(
            problems=[Problem("temporary.no_supplement", _("Only a granted emergency case has remaining steps."))]
        )
    if case.supplement_completed_on is not None:
        raise WorkflowError(problems=[Problem("temporary.supplement_done", _("The remaining steps are already done."))])
    note = checked(note, field="note", multiline=True, required=True)
    case.supplement_completed_on = clock.today()
    case.supplement_note = note
    case.save(update_fields=["supplement_completed_on", "supplement_note"])
    record_step(
        actor=actor,
        case=case,
        event=TemporaryEvent.SUPPLEMENT,
        from_status=case.status,
        comment=note,
        late=case.supplement_completed_on > case.supplement_due,
    )
    return case

"""Writes for 临时救助: record a case, the township's grant within its limit (an emergency grant
先行救助 at once, its remaining steps 补办 due within working days), the county's decision above
the limit, a refusal, the remaining steps completed. Numbers from the `temporary` standard."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from households.models import Household, Member
from households.selectors import households_for
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role, role_of, township_id_of
from sunwu_relief.text import validate_multiline_text, validate_plain_text

from .. import rules
from ..models import Programme, Standard, WrittenNotice
from ..selectors import standard_for, working_day_deadline
from .models import GrantForm, TemporaryCase, TemporaryCause, TemporaryKind, TemporaryPayment, TemporaryStatus

KIND_NAMES = {TemporaryKind.EMERGENCY: "急难型", TemporaryKind.EXPENDITURE: "支出型"}


@dataclass(frozen=True)
class TemporaryData:
    kind: str
    cause: str
    circumstances: str
    amount: Decimal
    form: str = GrantForm.CASH
    in_kind: str = ""
    emergency_grant: bool = False
    member: Member | None = None
    # A person without a household in our registry (流动人员): what is known.
    person_name: str = ""
    person_id_number: str = ""
    person_origin: str = ""
    person_phone: str = ""


def _standard(day: datetime.date) -> Standard:
    standard = standard_for(Programme.TEMPORARY, day.year)
    if standard is None:
        raise WorkflowError(
            problems=[Problem("temporary.no_standard", _("There is no temporary assistance standard."))]
        )
    return standard


def temporary_cap(standard: Standard) -> Decimal:
    """The most one case may receive: `temporary_cap_months` × S (10 × S by default)."""
    return (standard.temporary_cap_months * standard.monthly_standard).quantize(rules.FEN)


def _checked(value: str, *, field: str, multiline: bool = False) -> str:
    try:
        (validate_multiline_text if multiline else validate_plain_text)(value)
    except ValidationError as exc:
        raise InvalidInput(field_errors={field: exc.messages}) from exc
    return value.strip()


def _lock(case: TemporaryCase) -> TemporaryCase:
    return TemporaryCase.objects.select_for_update().get(pk=case.pk)


def _check_township(actor, case: TemporaryCase) -> None:
    if role_of(actor) not in (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER) or township_id_of(actor) != case.township_id:
        if role_of(actor) in (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER):
            raise OutOfScope()
        raise NotAllowed(_("Only the township decides here."))


def _field_errors(data: TemporaryData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, validator in (
        ("circumstances", validate_multiline_text),
        ("in_kind", validate_plain_text),
        ("person_name", validate_plain_text),
        ("person_origin", validate_plain_text),
        ("person_phone", validate_plain_text),
    ):
        try:
            validator(getattr(data, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    if data.person_id_number:
        try:
            validate_id_number(data.person_id_number)
        except ValidationError as exc:
            errors["person_id_number"] = exc.messages
    return errors


def _problems(data: TemporaryData, standard: Standard) -> list[Problem]:
    problems = []
    if data.kind not in TemporaryKind.values:
        problems.append(Problem("temporary.bad_kind", _("Emergency or necessary spending.")))
    if data.cause not in TemporaryCause.values:
        problems.append(Problem("temporary.bad_cause", _("Unknown cause.")))
    if data.emergency_grant and data.kind != TemporaryKind.EMERGENCY:
        problems.append(
            Problem("temporary.emergency_only", _("Only an emergency (急难型) case may be granted first (先行救助)."))
        )
    if not str(data.circumstances).strip():
        problems.append(Problem("temporary.circumstances_missing", _("Describe the circumstances.")))
    if data.form not in GrantForm.values:
        problems.append(Problem("temporary.bad_form", _("Cash or in kind.")))
    elif data.form == GrantForm.IN_KIND and not data.in_kind.strip():
        problems.append(Problem("temporary.in_kind_missing", _("Say what is given in kind.")))
    amount = Decimal(data.amount)
    cap = temporary_cap(standard)
    if amount <= 0 or amount != amount.quantize(rules.FEN):
        problems.append(Problem("temporary.bad_amount", _("An amount in yuan above 0, at most two decimals.")))
    elif amount > cap:
        problems.append(
            Problem(
                "temporary.above_cap",
                _("Above the cap of %(cap)s yuan (%(months)s × the standard).")
                % {"cap": cap, "months": rules._fmt(standard.temporary_cap_months)},
            )
        )
    if data.member is None and not data.person_name.strip():
        problems.append(Problem("temporary.person_missing", _("Name the person (a member, or what is known).")))
    return problems


@transaction.atomic
def temporary_case_create(*, actor, data: TemporaryData, household: Household | None = None) -> TemporaryCase:
    """A caseworker records a case: a member of a household of the township, or a person without
    a household in our registry (流动人员) in the caseworker's township."""
    if role_of(actor) != Role.CASEWORKER:
        raise NotAllowed(_("Only a township caseworker records temporary assistance."))
    township_id = township_id_of(actor)
    if data.member is not None:
        household = data.member.household
        if not households_for(actor).filter(pk=household.pk).exists():
            raise OutOfScope()
    elif household is not None:
        raise InvalidInput(field_errors={"member": [_("Choose the member of the household.")]})
    errors = _field_errors(data)
    if errors:
        raise InvalidInput(field_errors=errors)
    problems = _problems(data, _standard(clock.today()))
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
        created_by=actor,
    )
    record_event(
        actor=actor, action="temporary.create", obj=case, township_id=case.township_id, amount=str(case.amount)
    )
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


def _notice(case: TemporaryCase, *, kind: str, text: str) -> None:
    """The written notice: on the case (a 流动人员 has no household to file it with) and, for a
    household of our registry, as for every other decision."""
    case.notice_body = text
    if case.household_id is not None:
        from ..services import _written_notice

        _written_notice(
            kind=kind,
            household=case.household,
            township_id=case.township_id,
            addressee=case.person_name,
            reason_code="" if kind == WrittenNotice.Kind.APPROVAL else "other",
            body=text,
            standard=case.standard_snapshot,
        )


def _grant(case: TemporaryCase, *, actor, level: str, standard: Standard) -> TemporaryCase:
    now = timezone.now()
    case.status = TemporaryStatus.GRANTED
    case.decided_level, case.decided_at, case.decided_by = level, now, actor
    case.standard_snapshot = standard.snapshot()
    case.explanation = _explanation(case, standard, level)
    if case.emergency_grant:
        case.supplement_due = working_day_deadline(clock.today(), standard.temporary_supplement_days)
    _notice(
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
    record_event(actor=actor, action="temporary.grant", obj=case, township_id=case.township_id, level=level)
    return case


@transaction.atomic
def temporary_township_approve(*, actor, case: TemporaryCase, opinion: str) -> TemporaryCase:
    """The township grants a case within its limit at once (an emergency grant the same day).
    Above the limit it may not: the case goes to the county (`temporary_send_to_county`)."""
    case = _lock(case)
    _check_township(actor, case)
    if role_of(actor) != Role.TOWNSHIP_REVIEWER:
        raise NotAllowed(_("Only a township reviewer approves temporary assistance."))
    if case.status != TemporaryStatus.SUBMITTED:
        raise WorkflowError(problems=[Problem("temporary.not_open", _("This case is not awaiting the township."))])
    opinion = _checked(opinion, field="opinion")
    standard = _standard(clock.today())
    problems = _problems(_as_data(case), standard)
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
    case.township_opinion = opinion.strip()
    return _grant(case, actor=actor, level="township", standard=standard)


def _as_data(case: TemporaryCase) -> TemporaryData:
    return TemporaryData(
        kind=case.kind,
        cause=case.cause,
        circumstances=case.circumstances,
        amount=case.amount,
        form=case.form,
        in_kind=case.in_kind,
        emergency_grant=case.emergency_grant,
        member=case.member,
        person_name=case.person_name,
    )


@transaction.atomic
def temporary_send_to_county(*, actor, case: TemporaryCase, opinion: str) -> TemporaryCase:
    case = _lock(case)
    _check_township(actor, case)
    if role_of(actor) != Role.TOWNSHIP_REVIEWER:
        raise NotAllowed(_("Only a township reviewer sends a case to the county."))
    if case.status != TemporaryStatus.SUBMITTED:
        raise WorkflowError(problems=[Problem("temporary.not_open", _("This case is not awaiting the township."))])
    standard = _standard(clock.today())
    if case.amount <= standard.temporary_township_limit:
        raise WorkflowError(
            problems=[
                Problem("temporary.within_township_limit", _("Within the township's limit: the township decides."))
            ]
        )
    case.township_opinion = _checked(opinion, field="opinion")
    case.status = TemporaryStatus.COUNTY_REVIEW
    case.save(update_fields=["township_opinion", "status"])
    record_event(actor=actor, action="temporary.to_county", obj=case, township_id=case.township_id)
    return case


def _ensure_bureau(actor) -> None:
    if role_of(actor) != Role.BUREAU_REVIEWER:
        raise NotAllowed(_("Only the county bureau decides above the township's limit."))


@transaction.atomic
def temporary_county_approve(*, actor, case: TemporaryCase, opinion: str) -> TemporaryCase:
    case = _lock(case)
    _ensure_bureau(actor)
    if case.status != TemporaryStatus.COUNTY_REVIEW:
        raise WorkflowError(problems=[Problem("temporary.not_at_county", _("This case is not awaiting the county."))])
    opinion = _checked(opinion, field="opinion")
    standard = _standard(clock.today())
    problems = _problems(_as_data(case), standard)
    if problems:
        raise WorkflowError(problems=problems)
    case.county_opinion = opinion.strip()
    return _grant(case, actor=actor, level="county", standard=standard)


@transaction.atomic
def temporary_reject(*, actor, case: TemporaryCase, reason: str) -> TemporaryCase:
    """The township refuses a case awaiting it, the county one awaiting the county; with reasons
    and the written notice."""
    case = _lock(case)
    if case.status == TemporaryStatus.SUBMITTED:
        _check_township(actor, case)
        if role_of(actor) != Role.TOWNSHIP_REVIEWER:
            raise NotAllowed(_("Only a township reviewer refuses temporary assistance."))
        level = "township"
    elif case.status == TemporaryStatus.COUNTY_REVIEW:
        _ensure_bureau(actor)
        level = "county"
    else:
        raise WorkflowError(problems=[Problem("temporary.not_open", _("This case is already decided."))])
    if not reason.strip():
        raise InvalidInput(field_errors={"reason": [Problem("temporary.reason_missing", _("Give the reason."))]})
    reason = _checked(reason, field="reason", multiline=True)
    case.status = TemporaryStatus.REJECTED
    case.reject_reason = reason.strip()
    case.decided_level, case.decided_at, case.decided_by = level, timezone.now(), actor
    _notice(
        case,
        kind=WrittenNotice.Kind.REJECTION,
        text=f"{case.person_name}：经审核，不予临时救助。理由：{case.reject_reason}",
    )
    case.save()
    record_event(actor=actor, action="temporary.reject", obj=case, township_id=case.township_id, level=level)
    return case


@transaction.atomic
def temporary_supplement_complete(*, actor, case: TemporaryCase, note: str) -> TemporaryCase:
    """The remaining steps 补办 of an emergency grant are done (the file completed afterwards)."""
    case = _lock(case)
    _check_township(actor, case)
    if not case.emergency_grant or case.status != TemporaryStatus.GRANTED:
        raise WorkflowError(
            problems=[Problem("temporary.no_supplement", _("Only a granted emergency case has remaining steps."))]
        )
    if case.supplement_completed_on is not None:
        raise WorkflowError(problems=[Problem("temporary.supplement_done", _("The remaining steps are already done."))])
    if not note.strip():
        raise InvalidInput(field_errors={"note": [Problem("temporary.note_missing", _("Say what was completed."))]})
    note = _checked(note, field="note", multiline=True)
    case.supplement_completed_on = clock.today()
    case.supplement_note = note.strip()
    case.save(update_fields=["supplement_completed_on", "supplement_note"])
    record_event(actor=actor, action="temporary.supplement", obj=case, township_id=case.township_id)
    return case

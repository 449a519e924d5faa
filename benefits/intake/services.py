"""Writes of the one door 一门受理: register a request (its receipt number 回执, numbered per
township and year), turn it into an application of one of our programmes (prefilled, the receipt
number kept on the case), refer it to another department with the answer due in working days,
record the department's answer, or close it with a reason. Every step audited."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Member, Township
from households.selectors import members_for
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.errors import InvalidInput, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role, township_id_of
from sunwu_relief.text import text_field_errors

from .. import services as benefit_services
from ..models import Application, Programme
from ..selectors import working_day_deadline
from .events import IntakeEvent
from .models import (
    CloseReason,
    Department,
    IntakeChannel,
    IntakeKind,
    IntakeRequest,
    IntakeStatus,
    Referral,
    ReferralOutcome,
)

TOWNSHIP_STAFF = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
# The programmes an intake can become an application of (the review workflow's).
APPLICATION_PROGRAMMES = (Programme.DIBAO, Programme.TEKUN)


@dataclass(frozen=True)
class IntakeData:
    channel: str
    kind: str
    requester_name: str
    request: str
    member: Member | None = None
    person_name: str = ""
    person_address: str = ""
    requester_relation: str = ""
    requester_phone: str = ""


def receipt_number(township: Township, year: int, sequence: int) -> str:
    """回执编号: the township's division code, the year and the number in the year."""
    return f"{township.code}-{year}-{sequence:04d}"


def _problem(code: str, message: str) -> WorkflowError:
    return WorkflowError(problems=[Problem(code, message)])


def _check(data: IntakeData) -> None:
    errors = text_field_errors(
        multiline=("request",),
        requester_name=data.requester_name,
        requester_relation=data.requester_relation,
        requester_phone=data.requester_phone,
        person_name=data.person_name,
        person_address=data.person_address,
        request=data.request,
    )
    if data.channel not in IntakeChannel.values:
        errors["channel"] = [Problem("intake.bad_channel", _("Choose how the request came in."))]
    if data.kind not in IntakeKind.values:
        errors["kind"] = [Problem("intake.bad_kind", _("Choose what the request is about."))]
    if not data.requester_name.strip():
        errors["requester_name"] = [Problem("intake.requester_missing", _("Name who asked."))]
    if not data.request.strip():
        errors["request"] = [Problem("intake.request_missing", _("Write down what is asked."))]
    if data.member is None and not data.person_name.strip():
        errors["person_name"] = [Problem("intake.person_missing", _("Name the person the request is for."))]
    if errors:
        raise InvalidInput(field_errors=errors, code="intake.invalid")


@transaction.atomic
def intake_register(*, actor, data: IntakeData) -> IntakeRequest:
    """A caseworker registers a request at the township's service centre. The same request twice
    on the same day (a double submit) is refused."""
    require(actor, roles=[Role.CASEWORKER], allow_system=False)
    township = Township.objects.select_for_update().get(pk=township_id_of(actor))
    if data.member is not None and not members_for(actor).filter(pk=data.member.pk).exists():
        raise OutOfScope()
    _check(data)
    today = clock.today()
    person_name = data.member.name if data.member is not None else data.person_name.strip()
    if IntakeRequest.objects.filter(
        township_id=township.pk,
        received_on=today,
        person_name=person_name,
        kind=data.kind,
        request=data.request.strip(),
    ).exists():
        raise _problem("intake.duplicate", _("This request is already registered today."))
    last = (
        IntakeRequest.objects.filter(township_id=township.pk, year=today.year)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    sequence = (last or 0) + 1
    intake = IntakeRequest.objects.create(
        township_id=township.pk,
        year=today.year,
        sequence=sequence,
        receipt_number=receipt_number(township, today.year, sequence),
        channel=data.channel,
        kind=data.kind,
        received_on=today,
        requester_name=data.requester_name.strip(),
        requester_relation=data.requester_relation.strip(),
        requester_phone=data.requester_phone.strip(),
        member=data.member,
        person_name=person_name,
        person_address=data.person_address.strip(),
        request=data.request.strip(),
        created_by=actor,
    )
    record_event(actor=actor, action=IntakeEvent.REGISTER, obj=intake, receipt=intake.receipt_number, kind=intake.kind)
    return intake


def _lock(intake: IntakeRequest) -> IntakeRequest:
    return IntakeRequest.objects.select_for_update().get(pk=intake.pk)


def _handled(intake: IntakeRequest, actor, status: str) -> None:
    intake.status = status
    intake.handled_at = timezone.now()
    intake.handled_by = user_or_none(actor)


@transaction.atomic
def intake_link_member(*, actor, intake: IntakeRequest, member: Member) -> IntakeRequest:
    """The person of an open request is (now) a member of a household of the registry."""
    intake = _lock(intake)
    require(actor, roles=[Role.CASEWORKER], township_id=intake.township_id, allow_system=False)
    if intake.member_id == member.pk:
        return intake
    if intake.status != IntakeStatus.OPEN:
        raise _problem("intake.not_open", _("This request is already handled."))
    if not members_for(actor).filter(pk=member.pk, removed_on__isnull=True).exists():
        raise OutOfScope()
    intake.member = member
    intake.save(update_fields=["member"])
    record_event(actor=actor, action=IntakeEvent.LINK_MEMBER, obj=intake, member_id=member.pk)
    return intake


@transaction.atomic
def intake_to_application(*, actor, intake: IntakeRequest, programme: str) -> Application:
    """The request becomes an application of a programme, prefilled from it (the household, for
    特困 the person, the reason with the receipt number). Done twice, the first application."""
    intake = _lock(intake)
    require(actor, roles=[Role.CASEWORKER], township_id=intake.township_id, allow_system=False)
    if intake.status == IntakeStatus.APPLICATION and intake.application.programme == programme:
        return intake.application
    if intake.status != IntakeStatus.OPEN:
        raise _problem("intake.not_open", _("This request is already handled."))
    if programme not in APPLICATION_PROGRAMMES:
        raise InvalidInput(
            field_errors={"programme": [Problem("intake.bad_programme", _("低保 or 特困 only."))]},
            code="intake.bad_programme",
        )
    member = intake.member
    if member is None or member.removed_on is not None:
        raise _problem(
            "intake.no_household", _("Register the person's household first and link the member to the request.")
        )
    application = benefit_services.application_create(
        actor=actor,
        household=member.household,
        programme=programme,
        reason=_("%(request)s (one-door intake, receipt %(number)s)")
        % {"request": intake.request, "number": intake.receipt_number},
        single_member=member if programme == Programme.TEKUN else None,
    )
    intake.application = application
    _handled(intake, actor, IntakeStatus.APPLICATION)
    intake.save(update_fields=["application", "status", "handled_at", "handled_by"])
    record_event(actor=actor, action=IntakeEvent.TO_APPLICATION, obj=intake, application_id=application.pk)
    return application


@transaction.atomic
def intake_refer(*, actor, intake: IntakeRequest, department: Department, handed_over: str) -> Referral:
    """Hand the request on to another department (分办转办), with what was handed over; the answer
    is due within the department's working days. Done twice to the same department, the first."""
    intake = _lock(intake)
    require(actor, roles=TOWNSHIP_STAFF, township_id=intake.township_id, allow_system=False)
    if intake.status == IntakeStatus.REFERRED and intake.referral.department_id == department.pk:
        return intake.referral
    if intake.status != IntakeStatus.OPEN:
        raise _problem("intake.not_open", _("This request is already handled."))
    if not department.active:
        raise _problem("referral.department_inactive", _("This department takes no referrals."))
    errors = text_field_errors(multiline=("handed_over",), handed_over=handed_over)
    if not handed_over.strip():
        errors["handed_over"] = [Problem("referral.handed_over_missing", _("Say what was handed over."))]
    if errors:
        raise InvalidInput(field_errors=errors, code="referral.invalid")
    today = clock.today()
    referral = Referral.objects.create(
        intake=intake,
        township_id=intake.township_id,
        department=department,
        handed_over=handed_over.strip(),
        referred_on=today,
        answer_days=department.answer_days,
        due_on=working_day_deadline(today, department.answer_days),
        created_by=actor,
    )
    _handled(intake, actor, IntakeStatus.REFERRED)
    intake.save(update_fields=["status", "handled_at", "handled_by"])
    record_event(actor=actor, action=IntakeEvent.REFER, obj=intake, department=department.code, due_on=referral.due_on)
    return referral


@transaction.atomic
def referral_answer(*, actor, referral: Referral, outcome: str, answer: str, answered_on=None) -> Referral:
    """The township records the department's answer (the day it came, at the latest today)."""
    referral = Referral.objects.select_for_update().select_related("intake").get(pk=referral.pk)
    require(actor, roles=TOWNSHIP_STAFF, township_id=referral.township_id, allow_system=False)
    if referral.answered_on is not None:
        if referral.outcome == outcome and referral.answer == answer.strip():
            return referral
        raise _problem("referral.answered", _("The department's answer is already recorded."))
    answered_on = answered_on or clock.today()
    errors = text_field_errors(multiline=("answer",), answer=answer)
    if outcome not in ReferralOutcome.values:
        errors["outcome"] = [Problem("referral.bad_outcome", _("Choose what the department did."))]
    if not answer.strip():
        errors["answer"] = [Problem("referral.answer_missing", _("Write down the department's answer."))]
    if not referral.referred_on <= answered_on <= clock.today():
        errors["answered_on"] = [
            Problem("referral.bad_date", _("Between the day of the referral and today.")),
        ]
    if errors:
        raise InvalidInput(field_errors=errors, code="referral.invalid")
    referral.answered_on, referral.outcome, referral.answer = answered_on, outcome, answer.strip()
    referral.answered_by = user_or_none(actor)
    referral.save(update_fields=["answered_on", "outcome", "answer", "answered_by"])
    intake = _lock(referral.intake)
    intake.status = IntakeStatus.ANSWERED
    intake.save(update_fields=["status"])
    record_event(
        actor=actor,
        action=IntakeEvent.ANSWER,
        obj=intake,
        outcome=outcome,
        late=referral.answered_on > referral.due_on,
    )
    return referral


@transaction.atomic
def intake_close(*, actor, intake: IntakeRequest, reason_code: str, note: str) -> IntakeRequest:
    """A request that becomes nothing is closed with its reason (nothing is lost silently)."""
    intake = _lock(intake)
    require(actor, roles=TOWNSHIP_STAFF, township_id=intake.township_id, allow_system=False)
    if intake.status == IntakeStatus.CLOSED and intake.close_reason == reason_code:
        return intake
    if intake.status != IntakeStatus.OPEN:
        raise _problem("intake.not_open", _("This request is already handled."))
    errors = text_field_errors(multiline=("note",), note=note)
    if reason_code not in CloseReason.values:
        errors["reason_code"] = [Problem("intake.bad_reason", _("Choose a reason."))]
    if not note.strip():
        errors["note"] = [Problem("intake.note_missing", _("Explain the reason in words."))]
    if errors:
        raise InvalidInput(field_errors=errors, code="intake.invalid")
    intake.close_reason, intake.close_note = reason_code, note.strip()
    _handled(intake, actor, IntakeStatus.CLOSED)
    intake.save(update_fields=["close_reason", "close_note", "status", "handled_at", "handled_by"])
    record_event(actor=actor, action=IntakeEvent.CLOSE, obj=intake, reason_code=reason_code)
    return intake


@transaction.atomic
def department_save(*, actor, department: Department) -> Department:
    """The bureau keeps the list of departments (data): a name, what it handles, its answer period
    (1 to 60 working days; a referral keeps the period it was given)."""
    require(actor, roles=[Role.BUREAU_REVIEWER], allow_system=False)
    try:
        department.full_clean()
    except ValidationError as exc:
        raise InvalidInput(field_errors=exc.message_dict, code="department.invalid") from exc
    department.save()
    record_event(actor=actor, action=IntakeEvent.DEPARTMENT_SAVE, obj=department, answer_days=department.answer_days)
    return department

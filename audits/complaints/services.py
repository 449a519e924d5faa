"""Writes of complaints: record, assign, record the findings, answer, close (docs/integrity.md).

Township staff record and work their township's complaints; county staff any, and only they
close one. Each step is audited (`complaint.<step>`) and written to the complaint's history.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.models import Application
from households.models import Household, Township
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, system, user_or_none
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, RateLimited, WorkflowError
from sunwu_relief.roles import TOWNSHIP_ROLES, Role, role_of, township_id_of
from sunwu_relief.text import text_field_errors

from ..integrity.matching import worker_is_relative
from ..integrity.selectors import integrity_settings
from .events import ComplaintAuditEvent
from .models import UPHELD_OUTCOMES, Channel, Complaint, ComplaintEvent, ComplaintStatus, Outcome
from .selectors import COUNTY_HANDLERS, complaints_for

RECORD_ROLES = (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
ASSIGN_ROLES = (Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR)
WORK_ROLES = RECORD_ROLES
CLOSE_ROLES = tuple(COUNTY_HANDLERS)


@dataclass
class ComplaintData:
    channel: str
    received_on: datetime.date
    content: str
    anonymous: bool = False
    reporter_name: str = ""
    reporter_contact: str = ""
    township: Township | None = None
    household: Household | None = None
    application: Application | None = None
    about_staff: object | None = None


def _locked(actor, complaint: Complaint) -> Complaint:
    try:
        return complaints_for(actor).select_for_update().get(pk=complaint.pk)
    except Complaint.DoesNotExist as exc:
        raise OutOfScope from exc


def _event(complaint: Complaint, *, actor, action: str, note: str = "", **detail) -> None:
    ComplaintEvent.objects.create(complaint=complaint, action=action, actor=user_or_none(actor), note=note)
    record_event(actor=actor, action=ComplaintAuditEvent(f"complaint.{action}"), obj=complaint, **detail)


def _require_text(errors: dict, name: str, value: str, message: str, *, multiline: bool = True) -> str:
    value = (value or "").strip()
    errors.update(text_field_errors(multiline=(name,) if multiline else (), **{name: value}))
    if not value:
        errors.setdefault(name, []).append(message)
    return value


@transaction.atomic
def complaint_record(*, actor, data: ComplaintData) -> Complaint:
    """Take in a complaint; its township comes from the case or household it names."""
    require(actor, roles=RECORD_ROLES, allow_system=False)
    errors: dict[str, list[str]] = {}
    if data.channel not in Channel.values:
        errors["channel"] = [_("Choose how the complaint came in.")]
    if data.received_on is None or data.received_on > clock.today():
        errors["received_on"] = [_("The date cannot be in the future.")]
    content = _require_text(errors, "content", data.content, _("Write down what is reported."))
    name = (data.reporter_name or "").strip()
    contact = (data.reporter_contact or "").strip()
    errors.update(text_field_errors(reporter_name=name, reporter_contact=contact))
    if not data.anonymous and not name:
        errors["reporter_name"] = [_("Enter the reporter's name, or record the complaint as anonymous.")]
    household, application = data.household, data.application
    if application is not None:
        if household is not None and application.household_id != household.pk:
            errors["application"] = [_("This case is not the household's.")]
        household = application.household
    township = household.township if household is not None else data.township
    if role_of(actor) in TOWNSHIP_ROLES:
        township = township or actor.staff_profile.township
        if township.pk != township_id_of(actor):
            raise OutOfScope()
        if data.about_staff is not None:
            errors["about_staff"] = [_("A complaint about a member of staff is recorded by the county.")]
    if errors:
        raise InvalidInput(field_errors=errors, code="complaint.invalid")
    answer_days = integrity_settings().complaint_answer_days
    complaint = Complaint.objects.create(
        channel=data.channel,
        received_on=data.received_on,
        recorded_by=actor,
        anonymous=data.anonymous,
        reporter_name="" if data.anonymous else name,
        reporter_contact=contact,
        content=content,
        township=township,
        household=household,
        application=application,
        about_staff=data.about_staff,
        answer_due=data.received_on + datetime.timedelta(days=answer_days),
    )
    complaint.number = f"JB{data.received_on:%Y}-{complaint.pk:05d}"
    complaint.save(update_fields=["number"])
    # The trail names what was received, never who reported it.
    _event(
        complaint,
        actor=actor,
        action="record",
        channel=data.channel,
        anonymous=data.anonymous,
        household=household.pk if household else None,
        application=application.pk if application else None,
        about_staff=getattr(data.about_staff, "pk", None),
    )
    return complaint


def _check_status(complaint: Complaint, *allowed: str) -> None:
    if complaint.status not in allowed:
        raise WorkflowError(_("This step is not possible in the complaint's present state."), code="complaint.state")


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, assignee) -> Complaint:
    """Give the investigation to one member of staff (not the one complained about, nor a
    registered relative of the household)."""
    complaint = _locked(actor, complaint)
    require(actor, roles=ASSIGN_ROLES, township_id=complaint.township_id, allow_system=False)
    if complaint.assigned_to_id == getattr(assignee, "pk", None) and complaint.status == ComplaintStatus.INVESTIGATING:
        return complaint
    _check_status(complaint, ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING)
    role = role_of(assignee)
    problems = []
    if role not in WORK_ROLES or (role in TOWNSHIP_ROLES and township_id_of(assignee) != complaint.township_id):
        problems.append(_("Assign a member of staff of the township or the county."))
    if complaint.about_staff_id is not None and assignee.pk == complaint.about_staff_id:
        problems.append(_("The member of staff complained about may not investigate it."))
    if complaint.household_id is not None and worker_is_relative(assignee, complaint.household):
        problems.append(_("This member of staff is registered as a close relative in the household."))
    if problems:
        raise InvalidInput(field_errors={"assignee": problems}, code="complaint.assignee")
    complaint.assigned_to = assignee
    complaint.assigned_at = timezone.now()
    complaint.status = ComplaintStatus.INVESTIGATING
    complaint.save(update_fields=["assigned_to", "assigned_at", "status"])
    _event(complaint, actor=actor, action="assign", assignee=assignee.pk)
    return complaint


def _may_work(actor, complaint: Complaint) -> None:
    if role_of(actor) in COUNTY_HANDLERS or role_of(actor) == Role.TOWNSHIP_REVIEWER:
        return
    if complaint.assigned_to_id != getattr(actor, "pk", None):
        raise NotAllowed(_("The member of staff it is assigned to investigates it."), code="complaint.not_assignee")


@transaction.atomic
def complaint_findings_record(*, actor, complaint: Complaint, findings: str, outcome: str) -> Complaint:
    complaint = _locked(actor, complaint)
    require(actor, roles=WORK_ROLES, township_id=complaint.township_id, allow_system=False)
    _check_status(complaint, ComplaintStatus.INVESTIGATING, ComplaintStatus.INVESTIGATED)
    _may_work(actor, complaint)
    errors: dict[str, list[str]] = {}
    findings = _require_text(errors, "findings", findings, _("Record what the investigation found."))
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    if errors:
        raise InvalidInput(field_errors=errors, code="complaint.invalid")
    complaint.findings, complaint.outcome = findings, outcome
    complaint.investigated_at = timezone.now()
    complaint.status = ComplaintStatus.INVESTIGATED
    complaint.save(update_fields=["findings", "outcome", "investigated_at", "status"])
    _event(complaint, actor=actor, action="findings", note=findings, outcome=outcome)
    return complaint


@transaction.atomic
def complaint_answer(*, actor, complaint: Complaint, answered_on: datetime.date, method: str, answer: str) -> Complaint:
    """The answer given to the reporter (impossible for an anonymous report without a contact)."""
    complaint = _locked(actor, complaint)
    require(actor, roles=WORK_ROLES, township_id=complaint.township_id, allow_system=False)
    if complaint.status == ComplaintStatus.ANSWERED:
        return complaint
    _check_status(complaint, ComplaintStatus.INVESTIGATED)
    _may_work(actor, complaint)
    if complaint.anonymous and not complaint.reporter_contact:
        raise WorkflowError(_("An anonymous report without a contact cannot be answered."), code="complaint.no_contact")
    errors: dict[str, list[str]] = {}
    answer = _require_text(errors, "answer", answer, _("Write down the answer given."))
    if method not in Channel.values:
        errors["method"] = [_("Choose how the answer was given.")]
    if answered_on is None or answered_on > clock.today() or answered_on < complaint.received_on:
        errors["answered_on"] = [_("The date lies between the receipt and today.")]
    if errors:
        raise InvalidInput(field_errors=errors, code="complaint.invalid")
    complaint.answered_on, complaint.answer_method, complaint.answer = answered_on, method, answer
    complaint.status = ComplaintStatus.ANSWERED
    complaint.save(update_fields=["answered_on", "answer_method", "answer", "status"])
    late = answered_on > complaint.answer_due
    _event(complaint, actor=actor, action="answer", note=answer, method=method, late=late)
    return complaint


def answerable(complaint: Complaint) -> bool:
    return not (complaint.anonymous and not complaint.reporter_contact)


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, note: str) -> Complaint:
    """County staff close it with its outcome; an upheld one about a household records that its
    assistance must be reviewed (`selectors.households_needing_review`)."""
    complaint = _locked(actor, complaint)
    require(actor, roles=CLOSE_ROLES, allow_system=False, code="complaint.close_county_only")
    if complaint.status == ComplaintStatus.CLOSED:
        return complaint
    ready = ComplaintStatus.ANSWERED if answerable(complaint) else ComplaintStatus.INVESTIGATED
    if complaint.status != ready:
        raise WorkflowError(
            _("A complaint is closed once investigated and, when the reporter can be reached, answered."),
            code="complaint.not_ready",
        )
    errors: dict[str, list[str]] = {}
    note = _require_text(errors, "note", note, _("Write the closing note."))
    if errors:
        raise InvalidInput(field_errors=errors, code="complaint.invalid")
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_at = timezone.now()
    complaint.close_note = note
    complaint.review_required = complaint.outcome in UPHELD_OUTCOMES and complaint.household_id is not None
    complaint.save(update_fields=["status", "closed_at", "close_note", "review_required"])
    _event(
        complaint, actor=actor, action="close", note=note, outcome=complaint.outcome, review=complaint.review_required
    )
    return complaint


@transaction.atomic
def complaint_review_recorded(*, actor, complaint: Complaint, note: str) -> Complaint:
    """Called by the review of the household's assistance once it is done (dynamic management)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    require(
        actor,
        roles=(Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER),
        township_id=complaint.township_id,
        allow_system=True,
    )
    if not complaint.review_required or complaint.review_recorded_at is not None:
        return complaint
    complaint.review_recorded_at = timezone.now()
    complaint.review_note = (note or "").strip()
    complaint.save(update_fields=["review_recorded_at", "review_note"])
    _event(complaint, actor=actor, action="review", note=complaint.review_note)
    return complaint


PUBLIC_PAGE = system("public:complaint_form")


@dataclass
class PublicComplaintData:
    content: str
    township: Township | None = None
    reporter_name: str = ""
    reporter_contact: str = ""


@transaction.atomic
def complaint_submit_public(*, data: PublicComplaintData, client_key: str) -> Complaint:
    """A complaint left on the public page by anyone: anonymous unless a name is given, in the
    chosen township's list (else the county's). Refused as a flood beyond the settings' limits:
    per address in an hour (`client_key`, a hash of the address: the address is not stored) and
    from everyone in a day."""
    limits = integrity_settings()
    now = timezone.now()
    key = f"public-complaint:{client_key}"
    recent = [moment for moment in cache.get(key, []) if moment > now.timestamp() - 3600]
    if len(recent) >= limits.public_complaints_per_hour:
        raise RateLimited(code="complaint.rate_limited")
    today_count = Complaint.objects.filter(
        channel=Channel.PUBLIC_PAGE, recorded_at__gte=now - datetime.timedelta(days=1)
    ).count()
    if today_count >= limits.public_complaints_per_day:
        raise RateLimited(code="complaint.rate_limited")
    errors: dict[str, list[str]] = {}
    content = _require_text(errors, "content", data.content, _("Write down what is reported."))
    name = (data.reporter_name or "").strip()
    contact = (data.reporter_contact or "").strip()
    errors.update(text_field_errors(reporter_name=name, reporter_contact=contact))
    if len(content) > 5000:
        errors.setdefault("content", []).append(_("At most 5,000 characters."))
    if errors:
        raise InvalidInput(field_errors=errors, code="complaint.invalid")
    received = clock.today()
    complaint = Complaint.objects.create(
        channel=Channel.PUBLIC_PAGE,
        received_on=received,
        recorded_by=None,
        anonymous=not name,
        reporter_name=name[:64],
        reporter_contact=contact[:100],
        content=content,
        township=data.township,
        answer_due=received + datetime.timedelta(days=limits.complaint_answer_days),
    )
    complaint.number = f"JB{received:%Y}-{complaint.pk:05d}"
    complaint.save(update_fields=["number"])
    _event(complaint, actor=PUBLIC_PAGE, action="record", channel=Channel.PUBLIC_PAGE, anonymous=not name)
    cache.set(key, [*recent, now.timestamp()], 3600)
    return complaint

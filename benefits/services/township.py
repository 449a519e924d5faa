"""Township review, the public notice and its objections, and the deadline extension."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.selectors import signed_visit
from households.models import Member
from sunwu_relief.audit import record_event
from sunwu_relief.authz import is_system, require, user_or_none
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role
from sunwu_relief.text import validate_multiline_text

from .. import eligibility, rules
from ..events import BenefitEvent
from ..models import (
    IN_PROCEDURE,
    Application,
    ApplicationStatus,
    Objection,
    Programme,
    PublicNotice,
    ReasonCode,
    Standard,
)
from ..selectors import WorkingCalendar, standard_for
from ..workflow import INVESTIGATION_ACTIONS
from .applications import eligibility_problems
from .common import _check_allowed, _lock, _move, _require, _require_reason, _standard, _worked_on, today

# Township review and public notice ------------------------------------------------------------


def _investigator_ids(application: Application) -> set[int]:
    ids = _worked_on(application, INVESTIGATION_ACTIONS)
    if application.assessment is not None:
        visit = signed_visit(application.assessment)
        if visit is not None:
            ids |= set(visit.investigators.values_list("pk", flat=True))
    return ids


@transaction.atomic
def application_township_approve(
    *, actor, application: Application, opinion: str, care_level: str = "full_self_care"
) -> Application:
    application = _lock(application)
    _require(actor, Role.TOWNSHIP_REVIEWER, application=application)
    if application.status == ApplicationStatus.PUBLIC_NOTICE:
        return application
    _check_allowed(application, "township_approve")
    if actor.pk in _investigator_ids(application):
        raise WorkflowError(_("A reviewer who investigated this case may not review it."))
    if not opinion.strip():
        raise InvalidInput(field_errors={"opinion": [_("Write the township's opinion.")]})
    standard = _standard(application.programme)
    # The conditions once more, on the frozen result (特困: all three; 单人保: a marginal household).
    problems = eligibility_problems(application, assessment=application.assessment)
    if problems:
        raise WorkflowError(problems=problems)
    if application.programme == Programme.TEKUN:
        result = eligibility.tekun_check(application, assessment=application.assessment, standard=standard)
        application.eligibility = [c.as_dict() for c in result.conditions]
    amount, classification = eligibility.proposed_decision(application, standard=standard, care_level=care_level)
    if amount.value <= 0:
        raise WorkflowError(
            _("The computed amount is zero (%(why)s): return or reject the application instead.")
            % {"why": amount.explanation}
        )
    application.township_opinion = opinion.strip()
    application.proposed_amount = amount.value
    application.amount_explanation = amount.explanation
    application.proposed_classification = classification
    application.standard_snapshot = standard.snapshot()
    application.care_level = care_level if application.programme == Programme.TEKUN else ""
    _move(
        application,
        "township_approve",
        actor=actor,
        comment=opinion.strip(),
        fields=(
            "township_opinion",
            "proposed_amount",
            "amount_explanation",
            "proposed_classification",
            "standard_snapshot",
            "eligibility",
            "care_level",
        ),
    )
    _open_notice(application, standard=standard)
    return application


def _covered_members(application: Application) -> list[Member]:
    """特困: the person; 低保: the 单人保 person, else the members not supported as 特困."""
    if application.programme == Programme.TEKUN:
        return [application.single_member]
    return eligibility.dibao_covered_members(application)


def _open_notice(application: Application, *, standard: Standard) -> PublicNotice:
    application.notices.filter(superseded=False).update(superseded=True)
    start = today()
    covered = len(_covered_members(application))
    return PublicNotice.objects.create(
        application=application,
        village_id=application.household.village_id,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=standard.notice_days),
        household_size=covered,
        proposed_amount=application.proposed_amount,
    )


def _return_for_rework(
    *, actor, application: Application, role: str, action: str, reason_code: str, comment: str
) -> Application:
    application = _lock(application)
    _require(actor, role, application=application)
    if application.status == ApplicationStatus.RETURNED:
        return application
    _require_reason(reason_code, comment)
    return _move(application, action, actor=actor, reason_code=reason_code, comment=comment)


@transaction.atomic
def application_township_return(*, actor, application: Application, reason_code: str, comment: str) -> Application:
    return _return_for_rework(
        actor=actor,
        application=application,
        role=Role.TOWNSHIP_REVIEWER,
        action="township_return",
        reason_code=reason_code,
        comment=comment,
    )


@transaction.atomic
def objection_record(
    *, actor, notice: PublicNotice, raised_by: str, content: str, raised_on: datetime.date, contact: str = ""
) -> Objection:
    application = _lock(notice.application)
    _require(actor, Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, application=application)
    if application.status != ApplicationStatus.PUBLIC_NOTICE or notice.superseded:
        raise WorkflowError(_("Objections are recorded while the notice is running."))
    errors = {}
    if not raised_by.strip():
        errors["raised_by"] = [_("Who raised the objection?")]
    if not content.strip():
        errors["content"] = [_("What is the objection?")]
    if raised_on > today() or raised_on < notice.starts_on:
        errors["raised_on"] = [_("The date must lie within the notice period, not in the future.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    repeat = notice.objections.filter(raised_by=raised_by.strip(), content=content.strip()).first()
    if repeat is not None:
        return repeat  # the same person's same objection submitted twice is recorded once
    objection = Objection.objects.create(
        notice=notice,
        raised_by=raised_by.strip(),
        contact=contact.strip(),
        content=content.strip(),
        raised_on=raised_on,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action=BenefitEvent.OBJECTION_RECORD,
        obj=objection,
        township_id=application.township_id,
        application=application.pk,
    )
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, upheld: bool, resolution: str) -> Objection:
    objection = Objection.objects.select_for_update().select_related("notice__application").get(pk=objection.pk)
    application = _lock(objection.notice.application)
    _require(actor, Role.TOWNSHIP_REVIEWER, application=application)
    if objection.status != Objection.Status.OPEN:
        return objection
    if not resolution.strip():
        raise InvalidInput(field_errors={"resolution": [_("Record how the objection was resolved.")]})
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.resolution = resolution.strip()
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    record_event(
        actor=actor,
        action=BenefitEvent.OBJECTION_RESOLVE,
        obj=objection,
        township_id=application.township_id,
        upheld=upheld,
    )
    if upheld and application.status == ApplicationStatus.PUBLIC_NOTICE:
        # Back to investigating; a new notice follows the new township opinion.
        application.notices.filter(superseded=False).update(superseded=True)
        application.assessment = None  # the frozen result stays on record; a new assessment follows
        application.objection_upheld_at = objection.resolved_at  # the new opinion is due from here
        _move(
            application,
            "objection_upheld",
            actor=actor,
            reason_code=ReasonCode.FACTS_UNCLEAR,
            comment=resolution,
            fields=("assessment", "objection_upheld_at"),
        )
    return objection


def notice_problems(application: Application, *, on: datetime.date) -> list[str]:
    notice = application.notices.filter(superseded=False).first()
    if notice is None:
        return [Problem("notice.missing", _("There is no public notice."))]
    problems = []
    if on <= notice.ends_on:
        problems.append(
            Problem(
                "notice.period_running",
                _("The notice period runs until %(date)s.") % {"date": notice.ends_on.isoformat()},
            )
        )
    if notice.objections.filter(status=Objection.Status.OPEN).exists():
        problems.append(Problem("notice.objection_open", _("An objection is still open.")))
    return problems


@transaction.atomic
def application_notice_complete(*, actor, application: Application, on: datetime.date | None = None) -> Application:
    """公示期满，报送县级审批: the township's own step (actor: its staff) or the nightly task (actor:
    the system), with the same guards: the notice period is over and no objection is open."""
    application = _lock(application)
    _require(actor, Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, application=application, allow_system=True)
    if not is_system(actor):
        on = today()  # staff send the case up today, never on a date of their choosing
    if application.status == ApplicationStatus.COUNTY_REVIEW:
        return application
    _check_allowed(application, "notice_complete")
    problems = notice_problems(application, on=on or today())
    if problems:
        raise WorkflowError(problems=problems)
    application.received_by_county_at = timezone.now()
    return _move(application, "notice_complete", actor=actor, fields=("received_by_county_at",))


def notices_complete_by_township(*, actor, on: datetime.date | None = None) -> dict[int, int]:
    """Move every case whose notice is over without open objection to county review
    (idempotent); the count moved per township id."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    on = on or today()
    due = Application.objects.filter(
        status=ApplicationStatus.PUBLIC_NOTICE, notices__superseded=False, notices__ends_on__lt=on
    ).exclude(notices__superseded=False, notices__objections__status=Objection.Status.OPEN)
    moved: dict[int, int] = {}
    for application in due.distinct():
        try:
            application_notice_complete(actor=actor, application=application, on=on)
        except WorkflowError:
            continue  # changed meanwhile; the next run sees it again
        moved[application.township_id] = moved.get(application.township_id, 0) + 1
    return moved


def notices_complete_due(*, actor, on: datetime.date | None = None) -> int:
    return sum(notices_complete_by_township(actor=actor, on=on).values())


# Deadline extension (低保: 30 → 45 working days) ---------------------------------------------


@transaction.atomic
def application_extend_deadline(*, actor, application: Application, reason: str) -> Application:
    """Grant the extension of the 低保 decision deadline (N1: 30 working days, 45 in special
    circumstances) with its reason, before the first deadline has passed. Audited; repeats do nothing."""
    application = _lock(application)
    _require(actor, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, application=application)
    if application.deadline_extended:
        return application
    problems = []
    if application.programme != Programme.DIBAO:
        problems.append(Problem("extension.not_dibao", _("Only the 低保 decision deadline can be extended.")))
    if application.status not in IN_PROCEDURE or application.accepted_at is None:
        problems.append(
            Problem("extension.not_in_procedure", _("The deadline runs only while the application is in procedure."))
        )
    else:
        snapshot = application.standard_snapshot or {}
        standard = standard_for(application.programme, today().year)
        days = rules.policy_number("decision_days", snapshot=snapshot, standard=standard)
        due = WorkingCalendar().deadline(timezone.localdate(application.accepted_at), days)
        if due < today():
            problems.append(
                Problem(
                    "extension.too_late",
                    _("The decision deadline (%(date)s) has passed: an extension is granted before it.")
                    % {"date": due.isoformat()},
                )
            )
    if problems:
        raise WorkflowError(problems=problems)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Record the special circumstance that needs more time.")]})
    try:
        validate_multiline_text(reason)
    except ValidationError as exc:
        raise InvalidInput(field_errors={"reason": exc.messages}) from exc
    application.deadline_extended = True
    application.extension_reason = reason
    application.extended_by = actor
    application.extended_at = timezone.now()
    application._history_user = user_or_none(actor)
    application.save(update_fields=["deadline_extended", "extension_reason", "extended_by", "extended_at"])
    record_event(actor=actor, action=BenefitEvent.APPLICATION_EXTEND_DEADLINE, obj=application, reason=reason)
    return application

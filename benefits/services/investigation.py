"""Investigation, democratic evaluation and the obligors of a 特困 applicant."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.selectors import signed_visit
from assessments.services import check_document
from sunwu_relief.audit import record_event
from sunwu_relief.authz import user_or_none
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role
from sunwu_relief.text import validate_multiline_text, validate_plain_text

from ..events import BenefitEvent
from ..models import (
    Application,
    ApplicationStatus,
    DemocraticEvaluation,
    Objection,
    Obligor,
    Programme,
    Standard,
)
from .common import _check_allowed, _current_assessment, _lock, _move, _require, _standard, today

# Investigation and evaluation ----------------------------------------------------------------


@transaction.atomic
def application_start_investigation(*, actor, application: Application) -> Application:
    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    if application.status == ApplicationStatus.INVESTIGATING:
        return application
    return _move(application, "start_investigation", actor=actor)


def last_upheld_objection_at(application: Application) -> datetime.datetime | None:
    """When the latest upheld objection sent the case back; evidence must be newer than that."""
    return (
        Objection.objects.filter(notice__application=application, status=Objection.Status.UPHELD)
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )


def investigation_problems(application: Application) -> list[str]:
    assessment = _current_assessment(application)
    problems = []
    if assessment is None:
        return [_("No economic-status assessment is attached to this application.")]
    visit = signed_visit(assessment)
    if visit is None:
        problems.append(
            _("A household visit by at least two investigators, signed by them and the household, is required.")
        )
    elif visit.investigators.count() < 2:
        problems.append(_("The household visit needs at least two investigators."))
    if assessment.status != Assessment.Status.FINISHED:
        problems.append(_("The economic-status result must be finished (frozen) first."))
    upheld_at = last_upheld_objection_at(application)
    if upheld_at is not None:
        # An upheld objection found the facts unclear: the old result and visit cannot stand.
        if assessment.status == Assessment.Status.FINISHED and (
            assessment.finished_at is None or assessment.finished_at <= upheld_at
        ):
            problems.append(
                Problem(
                    "investigation.assessment_before_objection",
                    _("After the upheld objection, start and finish a new economic-status assessment."),
                )
            )
        if visit is not None and visit.signed_at <= upheld_at:
            problems.append(
                Problem(
                    "investigation.visit_before_objection",
                    _("After the upheld objection, a new household visit must be made and signed."),
                )
            )
    return problems


def evaluation_problems(application: Application, *, standard: Standard | None = None) -> list[str]:
    """What is missing to finish the democratic evaluation (a new one after an upheld objection)."""
    required = standard.evaluation_required if standard is not None else True
    if not required:
        return []
    upheld_at = last_upheld_objection_at(application)
    evaluations = application.evaluations.all()
    if upheld_at is not None:
        if not evaluations.filter(created__gt=upheld_at).exists():
            return [
                Problem(
                    "evaluation.before_objection",
                    _("After the upheld objection, record a new democratic evaluation."),
                )
            ]
        return []
    if not evaluations.exists():
        return [
            Problem("evaluation.missing", _("Record the democratic evaluation (date, participants, outcome) first."))
        ]
    return []


@transaction.atomic
def application_finish_investigation(*, actor, application: Application) -> Application:
    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    if application.status == ApplicationStatus.EVALUATING:
        return application
    _check_allowed(application, "finish_investigation")
    problems = investigation_problems(application)
    if problems:
        raise WorkflowError(problems=problems)
    application.assessment = _current_assessment(application)
    return _move(application, "finish_investigation", actor=actor, fields=("assessment",))


@transaction.atomic
def evaluation_record(
    *,
    actor,
    application: Application,
    held_on: datetime.date,
    place: str,
    participants: str,
    participant_count: int,
    votes_for: int,
    votes_against: int,
    outcome: str,
    minutes=None,
) -> DemocraticEvaluation:
    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    if application.status != ApplicationStatus.EVALUATING:
        raise WorkflowError(_("A democratic evaluation is recorded while the application is in evaluation."))
    errors = {}
    if held_on > today():
        errors["held_on"] = [_("The date cannot be in the future.")]
    if votes_for + votes_against > participant_count:
        errors["votes_for"] = [_("There are more votes than participants.")]
    if outcome not in DemocraticEvaluation.Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if minutes:
        # The same content check as every other scan: a PDF, JPEG or PNG, not what the name says.
        check_document(minutes, field="minutes")
    evaluation = DemocraticEvaluation(
        application=application,
        held_on=held_on,
        place=place.strip(),
        participants=participants.strip(),
        participant_count=participant_count,
        votes_for=votes_for,
        votes_against=votes_against,
        outcome=outcome,
        recorded_by=actor,
    )
    if minutes:
        evaluation.minutes = minutes
    evaluation._history_user = user_or_none(actor)
    evaluation.save()
    record_event(
        actor=actor,
        action=BenefitEvent.EVALUATION_RECORD,
        obj=evaluation,
        township_id=application.township_id,
        application=application.pk,
        outcome=outcome,
    )
    return evaluation


@transaction.atomic
def application_finish_evaluation(*, actor, application: Application) -> Application:
    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    if application.status == ApplicationStatus.TOWNSHIP_REVIEW:
        return application
    standard = _standard(application.programme)
    problems = evaluation_problems(application, standard=standard)
    if problems:
        raise WorkflowError(problems=problems)
    return _move(application, "finish_evaluation", actor=actor)


# Obligors of a 特困 applicant ----------------------------------------------------------------

# While the case is investigated (and when it comes back for rework); frozen from the evaluation on.
OBLIGOR_STATUSES = frozenset(
    {ApplicationStatus.DRAFT, ApplicationStatus.ACCEPTED, ApplicationStatus.INVESTIGATING, ApplicationStatus.RETURNED}
)


def _obligor_editable(application: Application) -> None:
    if application.programme != Programme.TEKUN:
        raise WorkflowError(
            problems=[Problem("obligor.not_tekun", _("Obligors are recorded for 特困 applications only."))]
        )
    if application.status not in OBLIGOR_STATUSES:
        raise WorkflowError(
            problems=[
                Problem(
                    "obligor.closed",
                    _("Obligors are recorded while the case is investigated (not while it is “%(status)s”).")
                    % {"status": application.get_status_display()},
                )
            ]
        )


@transaction.atomic
def obligor_add(
    *,
    actor,
    application: Application,
    name: str,
    relation: str,
    can_support: bool,
    inability: str = "",
    note: str = "",
) -> Obligor:
    """Record one 法定赡养、抚养、扶养义务人 with their capacity, and why they cannot support."""

    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    _obligor_editable(application)
    name, note, inability = name.strip(), note.strip(), (inability or "").strip()
    errors: dict[str, list[str]] = {}
    for field, value, check in (("name", name, validate_plain_text), ("note", note, validate_multiline_text)):
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    if not name:
        errors.setdefault("name", []).append(_("Give the obligor's name."))
    if relation not in Obligor.Relation.values:
        errors["relation"] = [_("Choose the relation.")]
    if can_support:
        inability = ""
    elif inability not in Obligor.Inability.values:
        errors["inability"] = [_("Choose why the obligor cannot support the applicant.")]
    elif inability == Obligor.Inability.OTHER and not note:
        errors["note"] = [_("Explain the reason in words.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    obligor = Obligor(
        application=application,
        name=name,
        relation=relation,
        can_support=can_support,
        inability=inability,
        note=note,
        recorded_by=actor,
    )
    obligor._history_user = user_or_none(actor)
    obligor.save()
    record_event(
        actor=actor,
        action=BenefitEvent.OBLIGOR_ADD,
        obj=obligor,
        township_id=application.township_id,
        application=application.pk,
        can_support=can_support,
        inability=inability,
    )
    return obligor


@transaction.atomic
def obligor_remove(*, actor, obligor: Obligor) -> None:
    """Remove an obligor recorded by mistake (history and the audit trail keep it)."""
    application = _lock(obligor.application)
    _require(actor, Role.CASEWORKER, application=application)
    _obligor_editable(application)
    obligor = Obligor.objects.filter(pk=obligor.pk, application=application).first()
    if obligor is None:
        return  # already removed
    record_event(
        actor=actor,
        action=BenefitEvent.OBLIGOR_REMOVE,
        obj=obligor,
        township_id=application.township_id,
        application=application.pk,
    )
    obligor._history_user = user_or_none(actor)
    obligor.delete()

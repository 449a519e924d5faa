"""Household visits 入户调查: recorded, signed by each investigator, corrected by a new version."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, NotAllowed, WorkflowError
from sunwu_relief.roles import TOWNSHIP_ROLES, role_of, township_id_of

from ..events import AssessmentEvent
from ..models import Assessment, HouseholdVisit, VisitAttachment, VisitConfirmation
from .common import check_document, lock_open_assessment


@dataclass
class VisitData:
    visit_date: datetime.date
    housing: str = ""
    living_conditions: str = ""
    livestock: str = ""
    equipment: str = ""
    remarks: str = ""
    household_confirmed: bool = False
    household_signatory: str = ""


VISIT_FIELDS = list(VisitData.__dataclass_fields__)


def _check_investigators(household: Household, investigators) -> list:
    investigators = list(investigators)
    wrong = [u for u in investigators if role_of(u) not in TOWNSHIP_ROLES or township_id_of(u) != household.township_id]
    if wrong:
        raise InvalidInput(
            field_errors={"investigators": [_("Investigators must be staff of the household's township.")]}
        )
    if not investigators:
        raise InvalidInput(field_errors={"investigators": [_("Name the investigators.")]})
    return investigators


def _apply_visit(visit: HouseholdVisit, data: VisitData) -> None:
    errors = {}
    if data.visit_date > clock.today():
        errors["visit_date"] = [_("The visit date cannot be in the future.")]
    if data.household_confirmed and not data.household_signatory.strip():
        errors["household_signatory"] = [_("Give the name of the household member who signed.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    for name in VISIT_FIELDS:
        value = getattr(data, name)
        setattr(visit, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def visit_create(*, actor, assessment: Assessment, data: VisitData, investigators) -> HouseholdVisit:
    assessment = lock_open_assessment(actor=actor, assessment=assessment)
    people = _check_investigators(assessment.household, investigators)
    visit = HouseholdVisit(assessment=assessment, created_by=actor)
    _apply_visit(visit, data)
    visit._history_user = actor
    visit.save()
    visit.investigators.set(people)
    record_event(
        actor=actor,
        action=AssessmentEvent.VISIT_CREATE,
        obj=visit,
        township_id=assessment.household.township_id,
        investigators=[u.pk for u in people],
    )
    return visit


def _lock_visit(*, actor, visit: HouseholdVisit) -> HouseholdVisit:
    visit = HouseholdVisit.objects.select_for_update().select_related("assessment__household").get(pk=visit.pk)
    lock_open_assessment(actor=actor, assessment=visit.assessment)
    return visit


@transaction.atomic
def visit_update(*, actor, visit: HouseholdVisit, data: VisitData, investigators) -> HouseholdVisit:
    visit = _lock_visit(actor=actor, visit=visit)
    if visit.is_signed:
        raise WorkflowError(_("A signed visit cannot be changed; record a correction instead."))
    people = _check_investigators(visit.assessment.household, investigators)
    _apply_visit(visit, data)
    visit._history_user = actor
    visit.save()
    visit.investigators.set(people)
    # A changed record is not what the investigators confirmed: each confirms it again.
    withdrawn = visit.confirmations.count()
    visit.confirmations.all().delete()
    record_event(
        actor=actor,
        action=AssessmentEvent.VISIT_UPDATE,
        obj=visit,
        township_id=visit.assessment.household.township_id,
        confirmations_withdrawn=withdrawn,
    )
    return visit


@transaction.atomic
def visit_attach(*, actor, visit: HouseholdVisit, file, caption: str = "") -> VisitAttachment:
    visit = _lock_visit(actor=actor, visit=visit)
    if visit.is_signed:
        raise WorkflowError(_("A signed visit cannot be changed; record a correction instead."))
    check_document(file)
    attachment = VisitAttachment(visit=visit, caption=caption.strip()[:200], uploaded_by=actor)
    attachment.file = file
    attachment.save()
    record_event(
        actor=actor, action=AssessmentEvent.VISIT_ATTACH, obj=visit, township_id=visit.assessment.household.township_id
    )
    return attachment


@transaction.atomic
def visit_sign(*, actor, visit: HouseholdVisit) -> HouseholdVisit:
    """谁核查、谁签字、谁负责: each of the (at least two) investigators confirms the record under
    their own log-in, with the household's confirmation recorded; when the last one has
    confirmed, the visit is signed and from then on read-only."""
    visit = _lock_visit(actor=actor, visit=visit)
    if visit.is_signed:
        return visit
    investigators = list(visit.investigators.all())
    if len(investigators) < 2:
        raise WorkflowError(
            _("A household visit needs at least two investigators before it can be signed."),
            code="visit.two_investigators",
        )
    if actor not in investigators:
        raise NotAllowed(_("Only one of the visit's investigators may sign it."), code="visit.not_investigator")
    if not visit.household_confirmed:
        raise WorkflowError(
            _("The household has not confirmed the visit record yet."), code="visit.household_not_confirmed"
        )
    _confirmation, created = VisitConfirmation.objects.get_or_create(visit=visit, investigator=actor)
    if created:
        record_event(
            actor=actor,
            action=AssessmentEvent.VISIT_CONFIRM,
            obj=visit,
            township_id=visit.assessment.household.township_id,
        )
    confirmed = set(visit.confirmations.values_list("investigator_id", flat=True))
    if not {u.pk for u in investigators} <= confirmed:
        return visit  # waiting for the other investigators' own confirmation
    visit.signed_at = timezone.now()
    visit.signed_by = actor
    visit._history_user = actor
    visit.save(update_fields=["signed_at", "signed_by"])
    record_event(
        actor=actor,
        action=AssessmentEvent.VISIT_SIGN,
        obj=visit,
        township_id=visit.assessment.household.township_id,
        investigators=[u.pk for u in investigators],
    )
    return visit


@transaction.atomic
def visit_correct(*, actor, visit: HouseholdVisit) -> HouseholdVisit:
    """A correction of a signed visit: a new, unsigned version that points to the old one."""
    visit = _lock_visit(actor=actor, visit=visit)
    if not visit.is_signed:
        return visit
    existing = visit.superseded_by.filter(signed_at__isnull=True).first()
    if existing is not None:
        return existing
    correction = HouseholdVisit(assessment=visit.assessment, created_by=actor, supersedes=visit)
    for name in VISIT_FIELDS:
        setattr(correction, name, getattr(visit, name))
    correction.household_confirmed = False
    correction.household_signatory = ""
    correction._history_user = actor
    correction.save()
    correction.investigators.set(visit.investigators.all())
    record_event(
        actor=actor,
        action=AssessmentEvent.VISIT_CORRECT,
        obj=correction,
        township_id=visit.assessment.household.township_id,
        supersedes=visit.pk,
    )
    return correction

"""The county decision: home visits, approval (the benefit is created), rejection, return."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment
from households.classification import household_classify
from households.models import Household
from sunwu_relief.audit import record_event
from sunwu_relief.authz import user_or_none
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role
from sunwu_relief.text import validate_multiline_text

from .. import rules
from ..events import BenefitEvent
from ..hooks import approval_check_problems
from ..models import (
    RUNNING_STATUSES,
    Application,
    ApplicationStatus,
    Benefit,
    BenefitChange,
    BenefitStatus,
    CountyVisit,
    Objection,
    Programme,
    ReasonCode,
    WrittenNotice,
)
from ..selectors import running_benefits
from ..workflow import TOWNSHIP_ACTIONS
from .benefit_changes import benefit_change
from .common import _check_allowed, _lock, _move, _require, _require_reason, _standard, _worked_on, today
from .decision_records import benefit_grant_record, rule_amount
from .township import _covered_members, _return_for_rework
from .written_notices import _written_notice, appeal_text

# County decision -----------------------------------------------------------------------------


def county_visit_required(application: Application) -> bool:
    complained = Objection.objects.filter(notice__application=application).exists()
    return application.spot_check_required or application.filed or complained


@transaction.atomic
def county_visit_record(
    *, actor, application: Application, visited_on: datetime.date, visitors: list, result: str, findings: str
) -> CountyVisit:
    application = _lock(application)
    _require(actor, Role.BUREAU_REVIEWER, Role.AUDITOR, application=application)
    errors = {}
    if not visitors:
        errors["visitors"] = [_("Name who visited.")]
    if result not in CountyVisit.Result.values:
        errors["result"] = [_("Choose the result.")]
    if not findings.strip():
        errors["findings"] = [_("Record what the visit found.")]
    if visited_on > today():
        errors["visited_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    visit = CountyVisit.objects.create(
        application=application, visited_on=visited_on, result=result, findings=findings.strip(), recorded_by=actor
    )
    visit.visitors.set(visitors)
    record_event(
        actor=actor,
        action=BenefitEvent.COUNTY_VISIT_RECORD,
        obj=visit,
        township_id=application.township_id,
        application=application.pk,
        result=result,
    )
    return visit


def open_discrepancies(application: Application) -> list[CountyVisit]:
    """County visits of this round (since the case last reached the county) that found a
    discrepancy and have no recorded reason why eligibility stands."""
    visits = application.county_visits.filter(result=CountyVisit.Result.DISCREPANCY, override_at__isnull=True)
    if application.received_by_county_at is not None:
        visits = visits.filter(created__gte=application.received_by_county_at)
    return list(visits.order_by("created", "id"))


@transaction.atomic
def county_visit_override(*, actor, visit: CountyVisit, reason: str) -> CountyVisit:
    """The county reviewer records why eligibility stands despite a visit's discrepancy (the other
    way out is returning the case for re-investigation). Audited; a repeat does nothing."""
    visit = CountyVisit.objects.select_for_update().select_related("application").get(pk=visit.pk)
    application = _lock(visit.application)
    _require(actor, Role.BUREAU_REVIEWER, application=application)
    if visit.override_at is not None:
        return visit
    problems = []
    if visit.result != CountyVisit.Result.DISCREPANCY:
        problems.append(Problem("county_visit.no_discrepancy", _("This visit found no discrepancy.")))
    if application.status != ApplicationStatus.COUNTY_REVIEW:
        problems.append(
            Problem("county_visit.not_in_review", _("A discrepancy is settled while the case is in county review."))
        )
    if problems:
        raise WorkflowError(problems=problems)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Explain why eligibility stands despite the discrepancy.")]})
    try:
        validate_multiline_text(reason)
    except ValidationError as exc:
        raise InvalidInput(field_errors={"reason": exc.messages}) from exc
    visit.override_reason = reason
    visit.override_by = actor
    visit.override_at = timezone.now()
    visit.save(update_fields=["override_reason", "override_by", "override_at"])
    record_event(
        actor=actor,
        action=BenefitEvent.COUNTY_VISIT_OVERRIDE,
        obj=visit,
        township_id=application.township_id,
        application=application.pk,
        reason=reason,
    )
    return visit


def approval_problems(application: Application, actor) -> list[str]:
    problems = []
    if open_discrepancies(application):
        problems.append(
            Problem(
                "county_visit.discrepancy",
                _(
                    "The county home visit found a discrepancy: return the case for re-investigation, or record why "
                    "eligibility stands."
                ),
            )
        )
    if actor is not None and actor.pk in _worked_on(application, TOWNSHIP_ACTIONS):
        problems.append(_("A reviewer who worked this case at township level may not approve it."))
    if county_visit_required(application) and not application.county_visits.exists():
        problems.append(
            _("This case needs a county home visit before approval (spot-check sample, filed case or objection).")
        )
    if application.proposed_amount is None or application.proposed_amount <= 0:
        problems.append(_("There is no proposed amount."))
    problems.extend(approval_check_problems(application))
    return problems


@transaction.atomic
def application_county_approve(*, actor, application: Application) -> Benefit:
    application = _lock(application)
    _require(actor, Role.BUREAU_REVIEWER, application=application)
    if application.status == ApplicationStatus.APPROVED:
        raise WorkflowError(_("This application has already been approved."), code="application.already_approved")
    _check_allowed(application, "county_approve")
    problems = approval_problems(application, actor)
    if problems:
        raise WorkflowError(problems=problems)
    application.decided_at = timezone.now()
    _move(application, "county_approve", actor=actor, fields=("decided_at",))
    benefit = _create_benefit(application, actor=actor)
    _approval_notice(application, benefit)
    return benefit


def _approval_notice(application: Application, benefit: Benefit) -> WrittenNotice:
    """批准通知书: what was granted, from when, how it was computed, and how to appeal."""
    accepted = timezone.localdate(application.accepted_at or application.created)
    body = (
        f"{application.applicant_name}：\n"
        f"您于{accepted:%Y年%m月%d日}提出的{application.get_programme_display()}申请，经审核审批，决定予以批准。"
        f"自{benefit.start_month:%Y年%m月}起每月发放 {benefit.monthly_amount} 元"
        f"（{benefit.amount_explanation}），保障人数 {benefit.covered_count} 人。\n"
        "家庭人口、收入、财产状况发生变化的，请及时告知乡镇人民政府。\n"
        f"{appeal_text(application.household)}"
    )
    return _written_notice(
        kind=WrittenNotice.Kind.APPROVAL,
        household=application.household,
        township_id=application.township_id,
        addressee=application.applicant_name,
        reason_code="",
        body=body,
        application=application,
        standard=application.standard_snapshot,
    )


def _create_benefit(application: Application, *, actor) -> Benefit:
    decided = timezone.localdate(application.decided_at)
    classification = application.proposed_classification
    review_months = rules.review_months(classification=classification, snapshot=application.standard_snapshot)
    covered = _covered_members(application)
    benefit = Benefit(
        household=application.household,
        township_id=application.township_id,
        programme=application.programme,
        classification=classification,
        standard_snapshot=application.standard_snapshot,
        covered_count=len(covered),
        start_month=rules.next_month(decided),
        application=application,
        next_review_due=rules.add_months(decided, review_months),
        decided_by=actor,
    )
    benefit._history_user = user_or_none(actor)
    benefit.save()
    benefit.covered_members.set(covered)
    benefit_grant_record(
        benefit=benefit,
        actor=actor,
        amount=application.proposed_amount,
        explanation=application.amount_explanation,
        basis=BenefitChange.Basis.ASSESSMENT,
        assessment=application.assessment,
        care_level=application.care_level,
        standard_snapshot=application.standard_snapshot,
    )
    record_event(
        actor=actor,
        action=BenefitEvent.BENEFIT_CREATE,
        obj=benefit,
        application=application.pk,
        amount=str(application.proposed_amount),
    )
    if application.programme == Programme.TEKUN:
        _release_from_dibao(application, actor=actor, effective=benefit.start_month)
    _classify_household(application.household, actor=actor)
    return benefit


def _release_from_dibao(application: Application, *, actor, effective: datetime.date) -> None:
    """Not both: from the month 特困 support starts, the person leaves the household's running 低保,
    which is recomputed for the members left (or stopped when none is left or none is eligible)."""
    person = application.single_member
    running = (
        Benefit.objects.filter(programme=Programme.DIBAO, status__in=RUNNING_STATUSES, covered_members=person)
        .select_related("application__assessment")
        .distinct()
    )
    for dibao in running.prefetch_related("changes"):
        remaining = [m for m in dibao.covered_members.order_by("id") if m.pk != person.pk]
        reason = f"{person.name}自{effective:%Y年%m月}起纳入特困供养，不再计入低保家庭（不重复享受）。"
        in_force = dibao.decision_in(effective)
        change: dict | None = {"kind": BenefitChange.Kind.STOP}
        if remaining and in_force is not None and in_force.new_status != BenefitStatus.ACTIVE:
            change = None  # suspended or phasing out: only the persons change; the amount is decided later
        elif remaining:
            # The rules on the assessment it rests on, for the members left (the 特困 person is
            # already supported, so the rule leaves them out).
            assessment = _benefit_assessment(dibao)
            amount = rule_amount(benefit=dibao, assessment=assessment, standard=_standard(Programme.DIBAO, effective))
            current = in_force.new_amount if in_force is not None else amount.value
            if amount.value <= 0:
                change = {"kind": BenefitChange.Kind.STOP}
            elif amount.value == current:
                change = None
            else:
                kind = BenefitChange.Kind.LOWER if amount.value < current else BenefitChange.Kind.RAISE
                change = {"kind": kind, "assessment": assessment}
        if change is not None:
            benefit_change(
                actor=actor,
                benefit=dibao,
                effective_month=effective,
                reason_code=ReasonCode.CIRCUMSTANCES_CHANGED,
                reason=reason,
                **change,
            )
        dibao.refresh_from_db()
        dibao.covered_members.remove(person)
        if remaining:
            dibao.covered_count = len(remaining)
            dibao._history_user = user_or_none(actor)
            dibao.save(update_fields=["covered_count"])
        record_event(
            actor=actor, action=BenefitEvent.BENEFIT_RELEASE_MEMBER, obj=dibao, member=person.pk, reason=reason
        )


def _benefit_assessment(benefit: Benefit):
    """The assessment a benefit rests on: its application's, else the household's latest finished."""
    if benefit.application_id and benefit.application.assessment_id:
        return benefit.application.assessment
    latest = (
        Assessment.objects.filter(household=benefit.household, status=Assessment.Status.FINISHED)
        .order_by("-finished_at", "-id")
        .first()
    )
    if latest is None:
        raise WorkflowError(
            problems=[
                Problem(
                    "not_both.no_assessment",
                    _("The household's 低保 has no economic-status result to recompute it; re-verify it first."),
                )
            ]
        )
    return latest


def _classify_household(household: Household, *, actor) -> None:
    tekun_ids = frozenset(
        running_benefits()
        .filter(household=household, programme=Programme.TEKUN)
        .values_list("covered_members", flat=True)
    )
    household_classify(actor=actor, household=household, tekun_member_ids=tekun_ids)


@transaction.atomic
def application_county_reject(*, actor, application: Application, reason_code: str, comment: str) -> WrittenNotice:
    application = _lock(application)
    _require(actor, Role.BUREAU_REVIEWER, application=application)
    if application.status == ApplicationStatus.REJECTED:
        return application.written_notices.filter(kind=WrittenNotice.Kind.REJECTION).first()
    _require_reason(reason_code, comment)
    application.decided_at = timezone.now()
    _move(application, "county_reject", actor=actor, reason_code=reason_code, comment=comment, fields=("decided_at",))
    body = (
        f"{application.applicant_name}：\n"
        f"您于{timezone.localdate(application.accepted_at or application.created):%Y年%m月%d日}提出的"
        f"{application.get_programme_display()}申请，经审核审批，决定不予批准。\n"
        f"理由：{ReasonCode(reason_code).label}。{comment.strip()}\n{appeal_text(application.household)}"
    )
    return _written_notice(
        kind=WrittenNotice.Kind.REJECTION,
        household=application.household,
        township_id=application.township_id,
        addressee=application.applicant_name,
        reason_code=reason_code,
        body=body,
        application=application,
        standard=application.standard_snapshot,
    )


@transaction.atomic
def application_county_return(*, actor, application: Application, reason_code: str, comment: str) -> Application:
    return _return_for_rework(
        actor=actor,
        application=application,
        role=Role.BUREAU_REVIEWER,
        action="county_return",
        reason_code=reason_code,
        comment=comment,
    )


@transaction.atomic
def application_mark_for_spot_check(*, actor, application: Application) -> Application:
    """Called by the county's spot-check draw (audits)."""
    application = _lock(application)
    if application.spot_check_required:
        return application
    application.spot_check_required = True
    application._history_user = user_or_none(actor)
    application.save(update_fields=["spot_check_required"])
    record_event(actor=actor, action=BenefitEvent.APPLICATION_SPOT_CHECK, obj=application)
    return application

"""Working a re-verification: the new investigation, the computed proposal, the township and county steps."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, IncomeKind
from assessments.services import assessment_start
from sunwu_relief import clock
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.errors import InvalidInput
from sunwu_relief.roles import Role, role_of

from ... import rules
from ...eligibility import dibao_covered_members
from ...models import Benefit, BenefitChange, BenefitStatus
from ...selectors import standard_for
from ...services.benefit_changes import benefit_change
from ...services.decision_records import _carrier, rule_amount
from ..events import ReviewEvent
from ..models import (
    UNFINISHED_REVIEW_STATUSES,
    Review,
    ReviewOutcome,
    ReviewStatus,
)
from .common import (
    DECISION_KINDS,
    _event,
    _expect,
    _locked,
    _plain,
    _problem,
    _refuse,
    review_decided,
)

# Working ---------------------------------------------------------------------------------------


@transaction.atomic
def review_start(*, actor, review: Review) -> Assessment:
    """The caseworker starts the new investigation (or takes up the household's open one)."""
    require(actor, roles=(Role.CASEWORKER,), township_id=review.township_id)
    review = _locked(review)
    _expect(review, ReviewStatus.OPEN)
    if review.assessment_id is not None and review.assessment.status == Assessment.Status.OPEN:
        return review.assessment
    assessment = assessment_start(actor=actor, household=review.household)
    review.assessment = assessment
    review.save(update_fields=["assessment"])
    _event(review, ReviewEvent.START, actor=actor, assessment=assessment.pk)
    return assessment


def _wages(assessment: Assessment | None) -> Decimal:
    if assessment is None:
        return Decimal("0")
    return sum(
        (income.monthly_amount for income in assessment.incomes.all() if income.kind == IncomeKind.WAGES),
        Decimal("0"),
    )


def _next_month() -> datetime.date:
    return rules.next_month(clock.today())


def review_result(review: Review) -> rules.ReviewResult:
    """What the rules give on the review's finished assessment, beside the decision in force."""
    benefit = review.benefit
    assessment = review.assessment
    effective = _next_month()
    standard = standard_for(benefit.programme, effective.year)
    if standard is None:
        raise _refuse(
            "decision.no_standard", _("No standard is set for this programme and year; the county must set one first.")
        )
    in_force = benefit.decision_in(effective) or benefit.current_decision
    amount = rule_amount(benefit=benefit, assessment=assessment, standard=standard, care_level=in_force.care_level)
    return rules.review_outcome(
        rules.ReviewFacts(
            amount_in_force=in_force.new_amount,
            phasing_out=in_force.new_status == BenefitStatus.PHASING_OUT,
            rule_amount=amount.value,
            rule_explanation=amount.explanation,
            assets_within_limits=bool(assessment.assets_within_limits),
            wages_now=_wages(assessment),
            wages_before=_wages(in_force.assessment),
            phase_out_months=rules.policy_number("phase_out_months", standard=standard),
        )
    )


@transaction.atomic
def review_propose(
    *,
    actor,
    review: Review,
    note: str = "",
    suspend: bool = False,
    checker_name: str = "",
    household_signatory: str = "",
    signed_on: datetime.date | None = None,
) -> Review:
    """The caseworker proposes the outcome: the rules' on the finished assessment, or a suspension
    (the household cannot be reached or refuses the check: `suspend` with a note). A campaign's
    check is signed by the checker and the household."""
    require(actor, roles=(Role.CASEWORKER,), township_id=review.township_id)
    review = _locked(review)
    if review.status == ReviewStatus.TOWNSHIP_REVIEW and review.proposed_by_id == getattr(actor, "pk", None):
        return review  # a double submit
    _expect(review, ReviewStatus.OPEN)
    note = _plain(note, "note")
    checker_name = _plain(checker_name, "checker_name")
    household_signatory = _plain(household_signatory, "household_signatory")
    errors: dict[str, list] = {}
    if review.campaign_id is not None:
        if not checker_name.strip():
            errors["checker_name"] = [_problem("review.signature_missing", _("The checker signs the check form."))]
        if not household_signatory.strip():
            errors["household_signatory"] = [
                _problem("review.signature_missing", _("A member of the household signs the check form."))
            ]
        if signed_on is None or signed_on > clock.today():
            errors["signed_on"] = [
                _problem("review.signed_on", _("Give the date of the signatures (not in the future)."))
            ]
    if suspend and not note:
        errors["note"] = [_problem("review.note_required", _("Say why the assistance is suspended."))]
    if errors:
        raise InvalidInput(field_errors=errors, code="review.invalid")
    in_force = review.benefit.current_decision
    if suspend:
        result = rules.ReviewResult(
            ReviewOutcome.SUSPEND, in_force.new_amount, "facts_unclear", f"复核：{note}，暂停发放，待核实后恢复或停发。"
        )
    else:
        assessment = review.assessment
        if assessment is None:
            raise _refuse("review.not_started", _("Start the investigation of this re-verification first."))
        if assessment.status != Assessment.Status.FINISHED:
            raise _refuse(
                "review.assessment_open", _("Finish the economic-status investigation first (its visit signed).")
            )
        result = review_result(review)
    review.outcome = result.outcome
    review.old_amount = in_force.new_amount
    review.new_amount = result.amount
    review.explanation = result.explanation
    review.outcome_reason_code = result.reason_code
    review.effective_month = _next_month()
    review.note = note
    review.checker_name = checker_name.strip()
    review.household_signatory = household_signatory.strip()
    review.signed_on = signed_on
    review.proposed_by = actor
    review.status = ReviewStatus.TOWNSHIP_REVIEW
    review.save()
    _event(review, ReviewEvent.PROPOSE, actor=actor, outcome=result.outcome, new_amount=str(result.amount))
    return review


@transaction.atomic
def review_township_approve(*, actor, review: Review) -> Review:
    """The township reviewer agrees: an unchanged benefit is decided here; a change goes to the county."""
    require(actor, roles=(Role.TOWNSHIP_REVIEWER,), township_id=review.township_id)
    review = _locked(review)
    if (
        review.status in (ReviewStatus.COUNTY_REVIEW, ReviewStatus.DECIDED)
        and review.township_reviewed_by_id == actor.pk
    ):
        return review  # a double submit
    _expect(review, ReviewStatus.TOWNSHIP_REVIEW)
    review.township_reviewed_by = actor
    if review.outcome == ReviewOutcome.CONTINUE:
        review.save(update_fields=["township_reviewed_by"])
        _event(review, ReviewEvent.TOWNSHIP_APPROVE, actor=actor, outcome=review.outcome)
        return _finish(review, actor=actor, decision=None)
    review.status = ReviewStatus.COUNTY_REVIEW
    review.save(update_fields=["township_reviewed_by", "status"])
    _event(review, ReviewEvent.TOWNSHIP_APPROVE, actor=actor, outcome=review.outcome)
    return review


@transaction.atomic
def review_return(*, actor, review: Review, note: str) -> Review:
    """Back to the caseworker for a new investigation (the township before agreeing, the county
    before deciding); the proposal is cleared and a new assessment is needed."""
    require(actor, roles=(Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER), township_id=review.township_id)
    review = _locked(review)
    _expect(review, ReviewStatus.TOWNSHIP_REVIEW, ReviewStatus.COUNTY_REVIEW)
    expected = ReviewStatus.TOWNSHIP_REVIEW if role_of(actor) == Role.TOWNSHIP_REVIEWER else ReviewStatus.COUNTY_REVIEW
    _expect(review, expected)
    note = _plain(note, "note")
    if not note:
        raise InvalidInput(
            field_errors={"note": [_problem("review.note_required", _("Say what must be investigated again."))]},
            code="review.note_required",
        )
    review.status = ReviewStatus.OPEN
    review.assessment = None
    review.outcome = ""
    review.new_amount = None
    review.explanation = ""
    review.effective_month = None
    review.proposed_by = None
    review.township_reviewed_by = None
    review.save()
    _event(review, ReviewEvent.RETURN, actor=actor, note=note)
    return review


@transaction.atomic
def review_county_decide(*, actor, review: Review) -> Review:
    """The county decides the proposed change: a `benefit_change` from the effective month, with
    its written notice; the rules' amount on the review's assessment."""
    require(actor, roles=(Role.BUREAU_REVIEWER,), township_id=review.township_id)
    review = _locked(review)
    if review.status == ReviewStatus.DECIDED:
        return review  # a double submit
    _expect(review, ReviewStatus.COUNTY_REVIEW)
    benefit = review.benefit
    kind = DECISION_KINDS[review.outcome]
    effective = max(review.effective_month, clock.current_month())
    reason = review.explanation if not review.note else f"{review.explanation}{review.note}"
    decision = benefit_change(
        actor=actor,
        benefit=benefit,
        kind=kind,
        effective_month=effective,
        reason_code=review.outcome_reason_code or "circumstances_changed",
        reason=reason,
        assessment=review.assessment if kind in (BenefitChange.Kind.RAISE, BenefitChange.Kind.LOWER) else None,
    )
    if kind in (BenefitChange.Kind.RAISE, BenefitChange.Kind.LOWER):
        _refresh_covered(benefit, review.assessment)
    return _finish(review, actor=actor, decision=decision)


def _refresh_covered(benefit: Benefit, assessment: Assessment) -> None:
    """After a change on a new assessment, the benefit covers the household as it is now (a member
    who died or left is no longer covered; 单人保 stays the one person)."""
    carrier = _carrier(benefit, assessment)
    if carrier.single_member_id:
        return
    covered = dibao_covered_members(carrier)
    benefit.covered_members.set(covered)
    if benefit.covered_count != len(covered):
        benefit.covered_count = len(covered)
        benefit.save(update_fields=["covered_count"])


def _finish(review: Review, *, actor, decision: BenefitChange | None) -> Review:
    benefit = Benefit.objects.select_for_update().get(pk=review.benefit_id)
    today = clock.today()
    review.status = ReviewStatus.DECIDED
    review.decided_by = user_or_none(actor)
    review.decided_at = timezone.now()
    review.decision = decision
    review.save(update_fields=["status", "decided_by", "decided_at", "decision"])
    months = rules.review_months(
        classification=benefit.household.classification or benefit.classification,
        snapshot=(decision.standard_snapshot if decision else None) or benefit.standard_snapshot,
    )
    benefit.next_review_due = rules.add_months(today, months)
    benefit._history_user = user_or_none(actor)
    benefit.save(update_fields=["next_review_due"])
    _event(
        review,
        ReviewEvent.DECIDE,
        actor=actor,
        outcome=review.outcome,
        decision=decision.pk if decision else None,
        next_review_due=benefit.next_review_due.isoformat(),
    )
    transaction.on_commit(lambda: review_decided.send(sender=Review, review=review, actor=actor))
    return review


@transaction.atomic
def review_cancel(*, actor, review: Review, note: str) -> Review:
    """Close an unfinished review without a decision (the benefit ended by another decision)."""
    require(actor, roles=(Role.BUREAU_REVIEWER,), township_id=review.township_id, allow_system=True)
    review = _locked(review)
    if review.status == ReviewStatus.CANCELLED:
        return review
    _expect(review, *UNFINISHED_REVIEW_STATUSES)
    review.status = ReviewStatus.CANCELLED
    review.decided_by = user_or_none(actor)
    review.decided_at = timezone.now()
    review.note = _plain(note, "note")
    review.save(update_fields=["status", "decided_by", "decided_at", "note"])
    _event(review, ReviewEvent.CANCEL, actor=actor, note=review.note)
    transaction.on_commit(lambda: review_decided.send(sender=Review, review=review, actor=actor))
    return review

"""Writes of the decisions on a benefit (有进有出、有升有降) and of the standards they use.

The model is described in benefits/DECISIONS.md. In short: a benefit's amount and status of a
month are those of its decision in force that month (`Benefit.decision_in`); a decision is never
edited and never takes effect before the current month; a raise or lower is computed by the
rules from an assessment or is a bounded manual adjustment with a reason code; a change of
standard re-states, from its effective month, the decision then in force and every later one.
Every service here is a no-op when repeated.

This module: the decision records and the amounts they carry.
"""

import datetime
import logging
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import Assessment
from households.models import Member, Relationship
from sunwu_relief import clock
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role

from .. import eligibility, rules
from ..models import (
    Application,
    Benefit,
    BenefitChange,
    BenefitStatus,
    ManualReason,
    Programme,
    Standard,
)
from ..selectors import standard_for

logger = logging.getLogger(__name__)

Kind = BenefitChange.Kind
Basis = BenefitChange.Basis

# kind: (statuses it may follow, new status or None to keep). GRANT and RECOMPUTE are not in it:
# only an approval, a migration or a standard change make those.
BENEFIT_CHANGES: dict[str, tuple[frozenset[str], str | None]] = {
    Kind.RAISE: (frozenset({BenefitStatus.ACTIVE}), None),
    Kind.LOWER: (frozenset({BenefitStatus.ACTIVE}), None),
    Kind.SUSPEND: (frozenset({BenefitStatus.ACTIVE}), BenefitStatus.SUSPENDED),
    Kind.RESUME: (frozenset({BenefitStatus.SUSPENDED}), BenefitStatus.ACTIVE),
    Kind.PHASE_OUT: (frozenset({BenefitStatus.ACTIVE}), BenefitStatus.PHASING_OUT),
    Kind.STOP: (
        frozenset({BenefitStatus.ACTIVE, BenefitStatus.PHASING_OUT, BenefitStatus.SUSPENDED}),
        BenefitStatus.STOPPED,
    ),
}
AMOUNT_KINDS = frozenset({Kind.RAISE, Kind.LOWER})
# Decisions that carry the amount in force before them (a status change keeps the amount).
CARRYING_KINDS = frozenset({Kind.SUSPEND, Kind.RESUME, Kind.PHASE_OUT})
# Numbers of a standard that enter an amount: a change of one of them re-states the decisions.
AMOUNT_NUMBERS = (
    "monthly_standard",
    "tekun_basic",
    "care_full_self_care",
    "care_semi_disabled",
    "care_fully_disabled",
    "addon_elderly_70",
    "addon_severe_disability",
    "addon_serious_illness",
    "addon_minor",
    "tekun_basic_factor",
    "marginal_income_factor",
    "severe_disability_grade",
    "severe_disability_grade_mental",
    "addon_age_elderly",
    "addon_age_minor",
)

RECOMPUTED_PROGRAMMES = frozenset({Programme.DIBAO, Programme.TEKUN})


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _yuan(value: Decimal) -> str:
    return rules._fmt(value)


def _locked(benefit: Benefit) -> Benefit:
    return (
        # Lock the benefit row only (PostgreSQL refuses FOR UPDATE on the nullable joined side).
        Benefit.objects.select_for_update(of=("self",))
        .select_related("household", "application__single_member")
        .prefetch_related("changes__assessment", "covered_members")
        .get(pk=benefit.pk)
    )


def _head_name(benefit: Benefit) -> str:
    head = benefit.household.members.filter(relationship=Relationship.HEAD).first()
    return head.name if head else ""


def _governing_standard(programme: str, month: datetime.date, cache: dict) -> Standard | None:
    if month.year not in cache:
        cache[month.year] = standard_for(programme, month.year)
    return cache[month.year]


def _sync(benefit: Benefit, *, actor) -> None:
    """Keep the row's status (and end month) equal to this month's decision (its filters and the
    one-running-benefit constraint read it)."""
    decision = benefit.current_decision
    stops = [d for d in benefit.decisions() if d.new_status == BenefitStatus.STOPPED]
    status = decision.new_status if decision is not None else benefit.status
    end_month = stops[0].effective_month if stops else None
    if (status, end_month) != (benefit.status, benefit.end_month):
        benefit.status = status
        benefit.end_month = end_month
        benefit._history_user = user_or_none(actor)
        benefit.save(update_fields=["status", "end_month"])


def _create(
    benefit: Benefit,
    *,
    kind: str,
    effective_month: datetime.date,
    status: str,
    amount: Decimal,
    explanation: str,
    actor,
    basis: str,
    assessment=None,
    manual_reason: str = "",
    care_level: str = "",
    standard_snapshot: dict | None = None,
    reason_code: str = "",
    reason: str = "",
    supersedes: BenefitChange | None = None,
    source_key: str = "",
) -> BenefitChange:
    before = benefit.decision_in(effective_month)
    decision = BenefitChange.objects.create(
        benefit=benefit,
        kind=kind,
        effective_month=effective_month,
        old_status=before.new_status if before else "",
        new_status=status,
        old_amount=before.new_amount if before else Decimal("0"),
        new_amount=amount,
        explanation=explanation,
        basis=basis,
        assessment=assessment,
        manual_reason=manual_reason,
        care_level=care_level,
        standard_snapshot=standard_snapshot or {},
        reason_code=reason_code,
        reason=reason,
        supersedes=supersedes,
        source_key=source_key,
        actor=user_or_none(actor),
    )
    # Keep the prefetched list current, so that the next question about a month sees it.
    benefit._prefetched_objects_cache["changes"] = [*benefit.changes.all(), decision]
    return decision


def benefit_grant_record(
    *,
    benefit: Benefit,
    actor,
    amount: Decimal,
    explanation: str,
    basis: str,
    assessment=None,
    care_level: str = "",
    standard_snapshot: dict | None = None,
    reason: str = "",
) -> BenefitChange:
    """The first decision of a new benefit (the approval, or the take-over of a legacy roll): the
    county bureau's. A repeat returns the first."""
    benefit = _locked(benefit)
    require(actor, roles=(Role.BUREAU_REVIEWER,), allow_system=False)
    existing = next((d for d in benefit.decisions() if d.kind == Kind.GRANT), None)
    if existing is not None:
        return existing
    decision = _create(
        benefit,
        kind=Kind.GRANT,
        effective_month=_month(benefit.start_month),
        status=BenefitStatus.ACTIVE,
        amount=amount,
        explanation=explanation,
        actor=actor,
        basis=basis,
        assessment=assessment,
        care_level=care_level,
        standard_snapshot=standard_snapshot,
        reason=reason,
    )
    _sync(benefit, actor=actor)
    return decision


# Amounts ---------------------------------------------------------------------------------------


def _carrier(benefit: Benefit, assessment) -> Application:
    """An unsaved application standing for the benefit, so that a decision's amount comes from the
    very rule the township's proposal uses (`eligibility.proposed_decision`)."""
    single = benefit.application.single_member if benefit.application_id else None
    if single is None and benefit.covered_count == 1 and benefit.household.members.count() > 1:
        single = benefit.covered_members.first()
    return Application(
        household=benefit.household,
        township_id=benefit.township_id,
        programme=benefit.programme,
        single_member=single,
        assessment=assessment,
    )


def rule_amount(*, benefit: Benefit, assessment, standard: Standard, care_level: str = "") -> rules.Amount:
    """The amount the rules give this benefit for a frozen assessment and a standard."""
    amount, _classification = eligibility.proposed_decision(
        _carrier(benefit, assessment), standard=standard, care_level=care_level or "full_self_care"
    )
    return amount


def manual_ceiling(*, benefit: Benefit, standard: Standard) -> rules.Amount:
    """The highest amount a manual adjustment may set: what the rules give this benefit with no
    income at all — 低保: S × covered persons plus their 分类施保 add-ons; 特困: the basic living
    standard plus the highest care allowance."""
    if benefit.programme == Programme.TEKUN:
        return rules.tekun_decision(standard=standard, care_level="fully_disabled")
    covered: list[Member] = list(benefit.covered_members.all())
    return rules.dibao_decision(
        standard=standard,
        covered=covered,
        count=benefit.covered_count or len(covered),
        income=Decimal("0"),
        on=clock.today(),
    )


def _per_person(snapshot: dict, programme: str) -> Decimal | None:
    """The per-person number a standard change passes on: S (低保) or the 特困 basic standard."""
    if "monthly_standard" not in snapshot:
        return None
    monthly = Decimal(str(snapshot["monthly_standard"]))
    if programme == Programme.TEKUN:
        factor = Decimal(str(rules.policy_value("tekun_basic_factor", snapshot=snapshot)))
        return max(Decimal(str(snapshot.get("tekun_basic") or 0)), monthly * factor)
    return monthly


def _restated_amount(benefit: Benefit, decision: BenefitChange, standard: Standard) -> rules.Amount | None:
    """`decision`'s amount under `standard`, from the same basis: the rules on its assessment, or
    for a manual or legacy amount the change of the per-person standard passed on. None when the
    old numbers are unknown."""
    if decision.basis == Basis.ASSESSMENT and decision.assessment is not None:
        return rule_amount(
            benefit=benefit, assessment=decision.assessment, standard=standard, care_level=decision.care_level
        )
    old = _per_person(decision.standard_snapshot, benefit.programme)
    new = _per_person(standard.snapshot(), benefit.programme)
    if old is None or new is None:
        return None
    persons = 1 if benefit.programme == Programme.TEKUN else benefit.covered_count
    return rules.standard_change(amount=decision.new_amount, old_standard=old, new_standard=new, persons=persons)


def _problem(code: str, message: str) -> Problem:
    return Problem(code, message)


def _amount_of_change(
    benefit: Benefit,
    *,
    standard: Standard,
    assessment,
    manual_reason: str,
    new_amount: Decimal | None,
    care_level: str,
) -> tuple[rules.Amount, dict]:
    """The amount of a raise or lower: by the rules from an assessment, or a bounded manual one."""
    if (assessment is None) == (not manual_reason):
        raise InvalidInput(
            field_errors={
                "assessment": [
                    _problem(
                        "decision.basis_missing",
                        _(
                            "A raise or lower rests on a finished assessment, or is a manual adjustment with its reason (not both)."
                        ),
                    )
                ]
            },
            code="decision.basis_missing",
        )
    if assessment is not None:
        if assessment.household_id != benefit.household_id or assessment.status != Assessment.Status.FINISHED:
            raise InvalidInput(
                field_errors={
                    "assessment": [
                        _problem("decision.assessment_invalid", _("Choose a finished assessment of this household."))
                    ]
                },
                code="decision.assessment_invalid",
            )
        if new_amount is not None:
            raise InvalidInput(
                field_errors={
                    "new_amount": [
                        _problem(
                            "decision.amount_from_rules",
                            _("The amount of a decision on an assessment is the rules'; leave it empty."),
                        )
                    ]
                },
                code="decision.amount_from_rules",
            )
        amount = rule_amount(benefit=benefit, assessment=assessment, standard=standard, care_level=care_level)
        if amount.value <= 0:
            raise WorkflowError(
                problems=[
                    _problem(
                        "decision.not_eligible",
                        _(
                            "By this assessment the household is no longer eligible (%(why)s): decide a phase-out or a stop."
                        )
                        % {"why": amount.explanation},
                    )
                ]
            )
        fields = {"basis": Basis.ASSESSMENT, "assessment": assessment, "care_level": care_level}
        return amount, {**fields, "standard_snapshot": standard.snapshot()}
    if manual_reason not in ManualReason.values:
        raise InvalidInput(
            field_errors={"manual_reason": [_("Choose the reason of the manual adjustment.")]},
            code="decision.manual_reason",
        )
    ceiling = manual_ceiling(benefit=benefit, standard=standard)
    if (
        new_amount is None
        or new_amount <= 0
        or new_amount > ceiling.value
        or new_amount != Decimal(new_amount).quantize(Decimal("0.01"))
    ):
        raise InvalidInput(
            field_errors={
                "new_amount": [
                    _problem(
                        "decision.amount_out_of_bounds",
                        _("A manual amount is above 0 and at most %(ceiling)s yuan (%(why)s).")
                        % {"ceiling": _yuan(ceiling.value), "why": ceiling.explanation},
                    )
                ]
            },
            code="decision.amount_out_of_bounds",
        )
    value = Decimal(new_amount).quantize(Decimal("0.01"))
    text = (
        f"人工调整（{ManualReason(manual_reason).label}）：月保障金额 {_yuan(value)} 元，"
        f"不超过全额 {_yuan(ceiling.value)} 元"
    )
    fields = {"basis": Basis.MANUAL, "manual_reason": manual_reason, "care_level": care_level}
    return rules.Amount(value, text), {**fields, "standard_snapshot": standard.snapshot()}

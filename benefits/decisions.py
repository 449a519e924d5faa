"""Writes of the decisions on a benefit (有进有出、有升有降) and of the standards they use.

The model is described in benefits/DECISIONS.md. In short: a benefit's amount and status of a
month are those of its decision in force that month (`Benefit.decision_in`); a decision is never
edited and never takes effect before the current month; a raise or lower is computed by the
rules from an assessment or is a bounded manual adjustment with a reason code; a change of
standard re-states, from its effective month, the decision then in force and every later one.
Every service here is a no-op when repeated.

The public names are re-exported by `benefits.services`; this module imports `services` only
inside functions (services imports this one).
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from households.models import Member, Relationship
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.errors import DomainError, InvalidInput, NotAllowed, Problem, WorkflowError
from sunwu_relief.roles import Role, role_of

from . import rules
from .models import (
    Application,
    Benefit,
    BenefitChange,
    BenefitStatus,
    ManualReason,
    Programme,
    ReasonCode,
    Standard,
    WrittenNotice,
)
from .selectors import standard_for

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
        benefit._history_user = actor
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
        actor=actor if getattr(actor, "pk", None) else None,
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
    """The first decision of a new benefit (the approval, or the take-over of a legacy roll)."""
    benefit = _locked(benefit)
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
    very rule the township's proposal uses (`services.proposed_decision`)."""
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
    from .services import proposed_decision

    amount, _classification = proposed_decision(
        _carrier(benefit, assessment), standard=standard, care_level=care_level or "full_self_care"
    )
    return amount


def manual_ceiling(*, benefit: Benefit, standard: Standard) -> rules.Amount:
    """The highest amount a manual adjustment may set: what the rules give this benefit with no
    income at all — 低保: S × covered persons plus their 分类施保 add-ons; 特困: the basic living
    standard plus the highest care allowance."""
    from .services import dibao_decision

    if benefit.programme == Programme.TEKUN:
        return rules.tekun_amount(
            basic_standard=max(standard.tekun_basic, standard.monthly_standard * standard.tekun_basic_factor),
            care_level="fully_disabled",
            care_allowances={
                "full_self_care": standard.care_full_self_care,
                "semi_disabled": standard.care_semi_disabled,
                "fully_disabled": standard.care_fully_disabled,
            },
        )
    covered: list[Member] = list(benefit.covered_members.all())
    return dibao_decision(
        standard=standard, covered=covered, count=benefit.covered_count or len(covered), income=Decimal("0")
    )


def _per_person(snapshot: dict, programme: str) -> Decimal | None:
    """The per-person number a standard change passes on: S (低保) or the 特困 basic standard."""
    if "monthly_standard" not in snapshot:
        return None
    monthly = Decimal(str(snapshot["monthly_standard"]))
    if programme == Programme.TEKUN:
        factor = Decimal(str(snapshot.get("tekun_basic_factor", "1.3")))
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


# One decision ----------------------------------------------------------------------------------


def _problem(code: str, message: str) -> Problem:
    return Problem(code, message)


def _kind_of(decision: BenefitChange) -> Kind:
    """What a decision decided: a re-statement for a standard decided what it re-states."""
    while decision.kind == Kind.RECOMPUTE and decision.supersedes_id is not None:
        decision = decision.supersedes
    return Kind(decision.kind)


def _later_conflict(benefit: Benefit, *, effective_month: datetime.date, kind: str, status: str) -> Problem | None:
    """A new decision must leave every later decision valid: replay them from its month."""
    later_months = sorted({d.effective_month for d in benefit.decisions() if d.effective_month > effective_month})
    for month in later_months:
        decision = benefit.decision_in(month)
        later_kind = _kind_of(decision)
        if kind in AMOUNT_KINDS and later_kind in CARRYING_KINDS:
            return _problem(
                "decision.conflicts_with_later",
                _("A decision from %(month)s keeps the amount in force before it; decide from that month or later.")
                % {"month": f"{month:%Y-%m}"},
            )
        allowed = BENEFIT_CHANGES.get(later_kind, (None, None))[0]
        if allowed is not None and status not in allowed:
            return _problem(
                "decision.conflicts_with_later",
                _("The decision from %(month)s (%(kind)s) would no longer be possible after this one.")
                % {"month": f"{month:%Y-%m}", "kind": later_kind.label},
            )
        status = decision.new_status
    return None


def _notice_body(benefit: Benefit, lines: list[str], *, reason_code: str, reason: str) -> str:
    from .services import appeal_text

    why = f"理由：{ReasonCode(reason_code).label}。{reason}" if reason_code else f"理由：{reason}"
    return (
        f"{_head_name(benefit)}：\n您家庭享受的{benefit.get_programme_display()}待遇：\n"
        + "\n".join(lines)
        + f"\n{why}\n{appeal_text(benefit.household)}"
    )


def _notify(benefit: Benefit, decision: BenefitChange, body: str) -> WrittenNotice:
    from .services import _written_notice

    return _written_notice(
        kind=WrittenNotice.Kind.CHANGE,
        household=benefit.household,
        township_id=benefit.township_id,
        addressee=_head_name(benefit),
        reason_code=decision.reason_code,
        body=body,
        benefit_change=decision,
        standard=decision.standard_snapshot or benefit.standard_snapshot,
    )


@transaction.atomic
def benefit_change(
    *,
    actor,
    benefit: Benefit,
    kind: str,
    effective_month: datetime.date,
    reason_code: str,
    reason: str,
    assessment=None,
    manual_reason: str = "",
    new_amount: Decimal | None = None,
) -> BenefitChange:
    """Decide a change of a benefit from `effective_month` (never before the current month).

    A raise or lower rests either on a finished `assessment` (the amount is the rules') or is a
    manual adjustment (`manual_reason` and `new_amount`, 0 < amount ≤ `manual_ceiling`). Status
    changes keep the amount in force. The same decision submitted twice is decided once."""
    from .services import _ensure_role, _ensure_stop_noticed, _require_reason

    benefit = _locked(benefit)
    if actor is not None:
        _ensure_role(actor, None, Role.BUREAU_REVIEWER, township_id=benefit.township_id)
    if kind not in BENEFIT_CHANGES:
        raise InvalidInput(field_errors={"kind": [_("Unknown kind of change.")]}, code="decision.unknown_kind")
    allowed, new_status = BENEFIT_CHANGES[kind]
    _require_reason(reason_code, reason)
    if kind == BenefitChange.Kind.STOP and benefit.programme == Programme.TEKUN:
        _ensure_stop_noticed(benefit)  # a 特困 stop is publicly noticed for 7 days first
    reason = reason.strip()
    effective_month = _month(effective_month)
    if effective_month < clock.current_month():
        raise InvalidInput(
            field_errors={
                "effective_month": [
                    _problem(
                        "decision.backdated",
                        _(
                            "A decision takes effect from the current month or later; money for past months is an arrears item."
                        ),
                    )
                ]
            },
            code="decision.backdated",
        )
    if effective_month < _month(benefit.start_month):
        raise InvalidInput(
            field_errors={
                "effective_month": [
                    _problem(
                        "decision.before_start",
                        _("The benefit starts only in %(month)s.") % {"month": f"{benefit.start_month:%Y-%m}"},
                    )
                ]
            },
            code="decision.before_start",
        )
    before = benefit.decision_in(effective_month)
    standard = standard_for(benefit.programme, effective_month.year)
    if standard is None:
        raise WorkflowError(
            _("No standard is set for this programme and year; the county must set one first."),
            code="decision.no_standard",
        )

    carried = {
        "basis": before.basis,
        "assessment": before.assessment,
        "manual_reason": before.manual_reason,
        "care_level": before.care_level,
        "standard_snapshot": before.standard_snapshot,
    }
    if kind in AMOUNT_KINDS:
        amount, basis_fields = _amount_of_change(
            benefit,
            standard=standard,
            assessment=assessment,
            manual_reason=manual_reason,
            new_amount=new_amount,
            care_level=before.care_level,
        )
    else:
        amount = rules.Amount(before.new_amount, before.explanation)
        basis_fields = carried
    status = new_status or before.new_status

    # A repeat of the decision in force that month does nothing (a double submit).
    if (
        before.kind == kind
        and before.effective_month == effective_month
        and before.new_status == status
        and before.new_amount == amount.value
        and before.reason_code == reason_code
        and before.reason == reason
    ):
        return before
    if before.new_status not in allowed:
        raise WorkflowError(
            _("This change is not possible while the benefit is “%(status)s”.")
            % {"status": BenefitStatus(before.new_status).label},
            code="decision.not_possible",
        )
    if kind == Kind.RAISE and amount.value <= before.new_amount:
        raise InvalidInput(
            field_errors={
                "new_amount": [
                    _problem(
                        "decision.not_a_raise",
                        _("A raise must be above the amount in force (%(amount)s yuan).")
                        % {"amount": _yuan(before.new_amount)},
                    )
                ]
            },
            code="decision.not_a_raise",
        )
    if kind == Kind.LOWER and amount.value >= before.new_amount:
        raise InvalidInput(
            field_errors={
                "new_amount": [
                    _problem(
                        "decision.not_a_lowering",
                        _("A lowering must be below the amount in force (%(amount)s yuan).")
                        % {"amount": _yuan(before.new_amount)},
                    )
                ]
            },
            code="decision.not_a_lowering",
        )
    conflict = _later_conflict(benefit, effective_month=effective_month, kind=kind, status=status)
    if conflict is not None:
        raise WorkflowError(problems=[conflict])

    decision = _create(
        benefit,
        kind=kind,
        effective_month=effective_month,
        status=status,
        amount=amount.value,
        explanation=amount.explanation,
        actor=actor,
        reason_code=reason_code,
        reason=reason,
        **basis_fields,
    )
    if kind == Kind.PHASE_OUT:
        months = int((decision.standard_snapshot or benefit.standard_snapshot).get("phase_out_months", 6))
        benefit.phase_out_until = rules.add_months(effective_month, months)
        benefit.save(update_fields=["phase_out_until"])
    _sync(benefit, actor=actor)
    record_event(
        actor=actor,
        action=f"benefit.{kind}",
        obj=benefit,
        effective_month=f"{effective_month:%Y-%m}",
        old_amount=str(decision.old_amount),
        new_amount=str(decision.new_amount),
        old_status=decision.old_status,
        new_status=decision.new_status,
        basis=decision.basis,
        reason_code=reason_code,
    )
    line = (
        f"自{effective_month:%Y年%m月}起{decision.get_kind_display()}。原月保障金额 {_yuan(decision.old_amount)} 元，"
        f"现月保障金额 {_yuan(decision.new_amount)} 元（{decision.explanation}）。"
    )
    _notify(benefit, decision, _notice_body(benefit, [line], reason_code=reason_code, reason=reason))
    return decision


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
        if assessment.household_id != benefit.household_id or assessment.status != "finished":
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


def phase_outs_complete(*, on: datetime.date | None = None) -> int:
    """Stop the benefits whose phase-out period is over (idempotent; run monthly by beat)."""
    on = _month(on or clock.today())
    benefits_take_effect()
    stopped = 0
    due = Benefit.objects.filter(status=BenefitStatus.PHASING_OUT, phase_out_until__lte=on, end_month__isnull=True)
    for benefit in due:
        effective = max(_month(benefit.phase_out_until), clock.current_month())
        benefit_change(
            actor=None,
            benefit=benefit,
            kind=Kind.STOP,
            effective_month=effective,
            reason_code=ReasonCode.CIRCUMSTANCES_CHANGED,
            reason="渐退期满，停发保障金。",
        )
        stopped += 1
    return stopped


def benefits_take_effect() -> int:
    """Bring each benefit row's status to this month's decision (daily by beat; idempotent)."""
    changed = 0
    running = Benefit.objects.exclude(status=BenefitStatus.STOPPED).prefetch_related("changes")
    for benefit in running.iterator(chunk_size=500):
        before = (benefit.status, benefit.end_month)
        _sync(benefit, actor=None)
        changed += (benefit.status, benefit.end_month) != before
    return changed


# Standards ---------------------------------------------------------------------------------------


def standard_problem(
    *, programme: str | None, monthly: Decimal | None, tekun_basic: Decimal | None, factor: Decimal | None = None
) -> str:
    """特困's basic living standard is at least factor × S (N2: 1.3); empty when the numbers are fine."""
    factor = factor if factor is not None else Standard._meta.get_field("tekun_basic_factor").get_default()
    if programme == Programme.TEKUN and monthly and tekun_basic and tekun_basic < monthly * factor:
        return _("The 特困 basic living standard must be at least %(factor)s × S.") % {"factor": factor}
    return ""


def _numbers(standard: Standard) -> dict:
    return {
        f.name: getattr(standard, f.attname)
        for f in Standard._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in ("version", "updated")
    }


@transaction.atomic
def standard_save(*, actor, standard: Standard) -> Standard:
    """Create or edit a yearly standard. Every number is checked against its range first (a
    field error saves nothing and keeps the version); an edit that changes nothing is a no-op;
    every other edit is a new version, and a change of a number that enters the amounts
    re-states the decisions of the months this standard governs."""
    if role_of(actor) != Role.BUREAU_REVIEWER:
        raise NotAllowed()
    old = Standard.objects.select_for_update().get(pk=standard.pk) if standard.pk else None
    if old is not None and _numbers(old) == _numbers(standard):
        return old
    try:
        standard.full_clean(exclude=["version"])
    except ValidationError as exc:
        raise InvalidInput(field_errors=exc.message_dict, code="standard.invalid") from exc
    problem = standard_problem(
        programme=standard.programme,
        monthly=standard.monthly_standard,
        tekun_basic=standard.tekun_basic,
        factor=standard.tekun_basic_factor,
    )
    if problem:
        raise InvalidInput(field_errors={"tekun_basic": [problem]}, code="standard.tekun_basic")
    previous = old
    if old is None:
        previous = standard_for(standard.programme, standard.year - 1)
        standard.version = 1
    else:
        standard.version = old.version + 1
    standard._history_user = actor
    standard.save()
    record_event(actor=actor, action="standard.save", obj=standard, version=standard.version)
    amounts_changed = previous is None or any(
        getattr(previous, name) != getattr(standard, name) for name in AMOUNT_NUMBERS
    )
    if previous is not None and amounts_changed and standard.programme in RECOMPUTED_PROGRAMMES:
        standard_recompute_start(actor=actor, standard=standard)
    return standard


def standard_recompute_start(*, actor, standard: Standard):
    """Queue the re-statement of the decisions for a changed standard, as a job: once per version
    (a second request for the same version returns the first job)."""
    from sunwu_relief.jobs import job_create, job_enqueue
    from sunwu_relief.models import Job

    from .tasks import recompute_for_standard

    params = {"standard_id": standard.pk, "version": standard.version}
    existing = Job.objects.filter(kind="benefits.recompute", params=params).exclude(status=Job.Status.FAILED).first()
    if existing is not None:
        return existing
    job = job_create(kind="benefits.recompute", actor=actor, params=params)
    job_enqueue(job, recompute_for_standard)
    return job


def standard_effective_month(standard: Standard) -> datetime.date:
    """A standard applies from January of its year, but never before the current month (money of
    past months is an arrears item of the payments)."""
    return max(datetime.date(standard.year, 1, 1), clock.current_month())


def benefits_recompute_for_standard(*, actor, standard: Standard) -> tuple[dict[str, int], list[dict]]:
    """Re-state, for a changed standard, every running 低保/特困 benefit (households, 单人保 and
    migrated ones): from the standard's effective month, the decision then in force and every
    later one, each from its own basis; one notice per family. Repeats decide nothing again."""
    counts = {"changed": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    problems: list[dict] = []
    effective = standard_effective_month(standard)
    benefits = Benefit.objects.filter(programme=standard.programme).exclude(status=BenefitStatus.STOPPED)
    for benefit_id in benefits.order_by("pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                outcome, why = _restate_benefit(benefit_id, standard=standard, effective=effective, actor=actor)
        except IntegrityError:
            outcome, why = "unchanged", ""  # the same version re-stated concurrently
        except DomainError as exc:
            outcome, why = "failed", exc.message
        counts[outcome] += 1
        if why:
            problems.append({"row": benefit_id, "column": "benefit", "message": why})
    return counts, problems


def _restate_benefit(benefit_id: int, *, standard: Standard, effective: datetime.date, actor) -> tuple[str, str]:
    benefit = _locked(Benefit(pk=benefit_id))
    key = f"standard:{standard.pk}:v{standard.version}"
    decisions = benefit.decisions()
    if any(d.source_key == key for d in decisions):
        return "unchanged", ""
    months = sorted({d.effective_month for d in decisions if d.effective_month >= effective})
    if benefit.decision_in(effective) is not None and effective not in months:
        months.insert(0, effective)
    cache: dict = {}
    planned: list[tuple[datetime.date, BenefitChange, rules.Amount]] = []
    for month in months:
        governing = _governing_standard(benefit.programme, month, cache)
        if governing is None or governing.pk != standard.pk:
            continue  # a later year's standard governs this month
        decision = benefit.decision_in(month)
        if decision.new_status == BenefitStatus.STOPPED:
            break
        amount = _restated_amount(benefit, decision, standard)
        if amount is None:
            return "skipped", _("The numbers of the decision from %(month)s are unknown; re-verify the household.") % {
                "month": f"{decision.effective_month:%Y-%m}"
            }
        if amount.value <= 0:
            return "skipped", _(
                "By the new standard the amount from %(month)s would be 0; re-verify the household."
            ) % {"month": f"{month:%Y-%m}"}
        if amount.value != decision.new_amount:
            planned.append((month, decision, amount))
    if not planned:
        return "unchanged", ""
    prefix = f"{standard.year}年保障标准调整（第{standard.version}版）："
    reason = _("Standard %(year)s changed (version %(version)s).") % {
        "year": standard.year,
        "version": standard.version,
    }
    lines = []
    made = []
    for month, decision, amount in planned:
        made.append(
            _create(
                benefit,
                kind=Kind.RECOMPUTE,
                effective_month=month,
                status=decision.new_status,
                amount=amount.value,
                explanation=prefix + amount.explanation,
                actor=actor,
                basis=decision.basis,
                assessment=decision.assessment,
                manual_reason=decision.manual_reason,
                care_level=decision.care_level,
                standard_snapshot=standard.snapshot(),
                reason_code=ReasonCode.OTHER,
                reason=reason,
                supersedes=decision,
                source_key=key,
            )
        )
        # A decision already taken for this month is named, so the family sees what is re-stated.
        was = f"（已决定的{_kind_of(decision).label}）" if decision.effective_month == month else ""
        lines.append(
            f"自{month:%Y年%m月}起{was}，月保障金额由 {_yuan(decision.new_amount)} 元调整为 {_yuan(amount.value)} 元"
            f"（{amount.explanation}）。"
        )
    _sync(benefit, actor=actor)
    record_event(
        actor=actor,
        action="benefit.recompute",
        obj=benefit,
        standard=standard.pk,
        version=standard.version,
        months=[f"{m:%Y-%m}" for m, _d, _a in planned],
        amounts=[str(a.value) for _m, _d, a in planned],
    )
    old_s = _per_person(planned[0][1].standard_snapshot, benefit.programme)
    new_s = _per_person(standard.snapshot(), benefit.programme)
    head = (
        f"因{standard.year}年保障标准调整（第{standard.version}版"
        + (
            f"，由 {_yuan(old_s)} 元/人·月调整为 {_yuan(new_s)} 元/人·月"
            if old_s is not None and old_s != new_s
            else ""
        )
        + "），您家庭的月保障金额调整如下："
    )
    _notify(benefit, made[0], _notice_body(benefit, [head, *lines], reason_code="", reason=reason))
    return "changed", ""

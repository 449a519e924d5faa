"""The yearly standards and the re-statement of the decisions when one changes."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.errors import DomainError, InvalidInput
from sunwu_relief.jobs import job_create, job_enqueue
from sunwu_relief.models import Job
from sunwu_relief.roles import Role

from .. import rules
from ..events import BenefitEvent
from ..hooks import standard_check_problems
from ..models import (
    Benefit,
    BenefitChange,
    BenefitStatus,
    Programme,
    ReasonCode,
    Standard,
)
from ..selectors import standard_for
from .benefit_changes import _kind_of, _notice_body, _notify
from .decision_records import (
    AMOUNT_NUMBERS,
    RECOMPUTED_PROGRAMMES,
    Kind,
    _create,
    _governing_standard,
    _locked,
    _per_person,
    _restated_amount,
    _sync,
    _yuan,
)

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
    require(actor, roles=(Role.BUREAU_REVIEWER,), allow_system=False)
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
    # Conditions kept elsewhere: the 特困 standard never below the recorded rural living level.
    kept_elsewhere = standard_check_problems(standard)
    if kept_elsewhere:
        code = getattr(kept_elsewhere[0], "code", "standard.invalid")
        raise InvalidInput(field_errors={"tekun_basic": kept_elsewhere}, code=code)
    previous = old
    if old is None:
        previous = standard_for(standard.programme, standard.year - 1)
        standard.version = 1
    else:
        standard.version = old.version + 1
    standard._history_user = user_or_none(actor)
    standard.save()
    record_event(actor=actor, action=BenefitEvent.STANDARD_SAVE, obj=standard, version=standard.version)
    amounts_changed = previous is None or any(
        getattr(previous, name) != getattr(standard, name) for name in AMOUNT_NUMBERS
    )
    if previous is not None and amounts_changed and standard.programme in RECOMPUTED_PROGRAMMES:
        standard_recompute_start(actor=actor, standard=standard)
    return standard


def standard_recompute_start(*, actor, standard: Standard):
    """Queue the re-statement of the decisions for a changed standard, as a job: once per version
    (a second request for the same version returns the first job). The job keeps the reviewer
    who changed the standard: the re-stated decisions are theirs."""
    require(actor, roles=(Role.BUREAU_REVIEWER,), allow_system=False)
    params = {"standard_id": standard.pk, "version": standard.version}
    existing = Job.objects.filter(kind="benefits.recompute", params=params).exclude(status=Job.Status.FAILED).first()
    if existing is not None:
        return existing
    job = job_create(kind="benefits.recompute", actor=actor, params=params)
    job_enqueue(job, "benefits.tasks.recompute_for_standard")
    return job


def standard_effective_month(standard: Standard) -> datetime.date:
    """A standard applies from January of its year, but never before the current month (money of
    past months is an arrears item of the payments)."""
    return max(datetime.date(standard.year, 1, 1), clock.current_month())


def benefits_recompute_for_standard(*, actor, standard: Standard) -> tuple[dict[str, int], list[dict]]:
    """Re-state, for a changed standard, every running 低保/特困 benefit (households, 单人保 and
    migrated ones): from the standard's effective month, the decision then in force and every
    later one, each from its own basis; one notice per family. Repeats decide nothing again.
    `actor` is the reviewer who changed the standard (the job's creator), never the system."""
    require(actor, roles=(Role.BUREAU_REVIEWER,), allow_system=False)
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
        action=BenefitEvent.BENEFIT_RECOMPUTE,
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

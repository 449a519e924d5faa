"""A change of a benefit (有进有出、有升有降), the guards around it, and the daily/monthly runs."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role

from .. import rules
from ..events import decision_event
from ..models import (
    Benefit,
    BenefitChange,
    BenefitStatus,
    Programme,
    ReasonCode,
    StopNotice,
    WrittenNotice,
)
from ..selectors import standard_for
from .common import _require, _require_reason, today
from .decision_records import (
    AMOUNT_KINDS,
    BENEFIT_CHANGES,
    CARRYING_KINDS,
    Kind,
    _amount_of_change,
    _create,
    _head_name,
    _locked,
    _month,
    _problem,
    _sync,
    _yuan,
)
from .written_notices import _written_notice, appeal_text


def _ensure_stop_noticed(benefit: Benefit) -> None:
    """A 特困 stop is decided only after its own public notice ran its full period."""
    notice = benefit.stop_notices.filter(status=StopNotice.Status.RUNNING).first()
    if notice is None:
        raise WorkflowError(
            problems=[
                Problem(
                    "tekun.stop_needs_notice",
                    _("Stopping 特困 support is first published for 7 days in the village: propose the stop."),
                )
            ]
        )
    if notice.ends_on >= today():
        raise WorkflowError(
            problems=[
                Problem(
                    "tekun.stop_notice_running",
                    _("The stop notice runs until %(date)s.") % {"date": notice.ends_on.isoformat()},
                )
            ]
        )


# One decision ----------------------------------------------------------------------------------


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
    why = f"理由：{ReasonCode(reason_code).label}。{reason}" if reason_code else f"理由：{reason}"
    return (
        f"{_head_name(benefit)}：\n您家庭享受的{benefit.get_programme_display()}待遇：\n"
        + "\n".join(lines)
        + f"\n{why}\n{appeal_text(benefit.household)}"
    )


def _notify(benefit: Benefit, decision: BenefitChange, body: str) -> WrittenNotice:
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
    benefit = _locked(benefit)
    _require(actor, Role.BUREAU_REVIEWER, township_id=benefit.township_id, allow_system=True)
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
        months = rules.policy_number(
            "phase_out_months", snapshot=decision.standard_snapshot or benefit.standard_snapshot
        )
        benefit.phase_out_until = rules.add_months(effective_month, months)
        benefit.save(update_fields=["phase_out_until"])
    _sync(benefit, actor=actor)
    record_event(
        actor=actor,
        action=decision_event(kind),
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


def phase_outs_complete(*, actor, on: datetime.date | None = None) -> int:
    """Stop the benefits whose phase-out period is over (idempotent; run monthly by beat)."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    on = _month(on or clock.today())
    benefits_take_effect(actor=actor)
    stopped = 0
    due = Benefit.objects.filter(status=BenefitStatus.PHASING_OUT, phase_out_until__lte=on, end_month__isnull=True)
    for benefit in due:
        effective = max(_month(benefit.phase_out_until), clock.current_month())
        benefit_change(
            actor=actor,
            benefit=benefit,
            kind=Kind.STOP,
            effective_month=effective,
            reason_code=ReasonCode.CIRCUMSTANCES_CHANGED,
            reason="渐退期满，停发保障金。",
        )
        stopped += 1
    return stopped


def benefits_take_effect(*, actor) -> int:
    """Bring each benefit row's status to this month's decision (daily by beat; idempotent)."""
    require(actor, roles=(Role.BUREAU_REVIEWER,))
    changed = 0
    running = Benefit.objects.exclude(status=BenefitStatus.STOPPED).prefetch_related("changes")
    for benefit in running.iterator(chunk_size=500):
        before = (benefit.status, benefit.end_month)
        _sync(benefit, actor=actor)
        changed += (benefit.status, benefit.end_month) != before
    return changed

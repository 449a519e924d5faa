"""The outcome of a re-verification 复核 (docs/rules.md §4): continue, raise, lower, phase out,
suspend or stop, from the amount in force and what the rules give on the new assessment.

Pure: numbers and facts in, an explained outcome out (Chinese, part of the legal record).
"""

from dataclasses import dataclass
from decimal import Decimal

from .amounts import _fmt


@dataclass(frozen=True)
class ReviewFacts:
    """What the new assessment says, beside the decision in force."""

    amount_in_force: Decimal
    phasing_out: bool
    # The rules' amount on the new assessment (0 when no longer eligible) and its explanation.
    rule_amount: Decimal
    rule_explanation: str
    assets_within_limits: bool
    # Countable wage income of the household now and in the assessment the decision rests on
    # (0 when that decision rests on none, e.g. a migrated amount).
    wages_now: Decimal
    wages_before: Decimal
    phase_out_months: int


@dataclass(frozen=True)
class ReviewResult:
    outcome: str  # a ReviewOutcome value
    amount: Decimal
    reason_code: str  # a ReasonCode value, "" when nothing changes
    explanation: str


def review_outcome(facts: ReviewFacts) -> ReviewResult:
    """有进有出、有升有降:
    - assets above the limits → stop;
    - a household already phasing out continues its phase-out (whatever its income now: the
      phase-out runs to its end; one eligible again may apply anew);
    - income now at or above the standard → phase out (渐退, the amount kept for the phase-out
      period) when it rose through work (more wage income than before), else stop;
    - still eligible → raise, lower or continue, by the rules' amount against the amount in force.
    """
    before = Decimal(facts.amount_in_force)
    now = Decimal(facts.rule_amount)
    if not facts.assets_within_limits:
        return ReviewResult(
            "stop", Decimal("0"), "assets_above_limits", f"复核：家庭财产超出规定（{facts.rule_explanation}），停发。"
        )
    if facts.phasing_out:
        # A phase-out runs to its end (the monthly run stops it); a household whose income fell
        # back may apply again then.
        if now <= 0:
            return ReviewResult(
                "continue",
                before,
                "",
                f"复核：家庭收入仍高于保障标准（{facts.rule_explanation}），渐退期继续，期满停发。",
            )
        return ReviewResult(
            "continue",
            before,
            "",
            f"复核：渐退期内家庭收入回落（{facts.rule_explanation}），渐退期继续按 {_fmt(before)} 元/月发放；"
            "期满后仍符合条件的，可重新申请。",
        )
    if now <= 0:
        if Decimal(facts.wages_now) > Decimal(facts.wages_before):
            return ReviewResult(
                "phase_out",
                before,
                "income_above_standard",
                f"复核：家庭成员务工就业，收入高于保障标准（{facts.rule_explanation}），"
                f"给予 {facts.phase_out_months} 个月渐退期，期间按原标准 {_fmt(before)} 元/月发放，期满停发。",
            )
        return ReviewResult(
            "stop",
            Decimal("0"),
            "income_above_standard",
            f"复核：家庭收入高于保障标准（{facts.rule_explanation}），停发。",
        )
    if now > before:
        return ReviewResult(
            "raise",
            now,
            "circumstances_changed",
            f"复核：由 {_fmt(before)} 元/月提高至 {_fmt(now)} 元/月（{facts.rule_explanation}）。",
        )
    if now < before:
        return ReviewResult(
            "lower",
            now,
            "circumstances_changed",
            f"复核：由 {_fmt(before)} 元/月降低至 {_fmt(now)} 元/月（{facts.rule_explanation}）。",
        )
    return ReviewResult(
        "continue", before, "", f"复核：家庭状况未变，继续按 {_fmt(before)} 元/月保障（{facts.rule_explanation}）。"
    )

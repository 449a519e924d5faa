"""The decisions on a benefit and the standards they use now live in `benefits.services`
(`decision_records`, `benefit_changes`, `standards`); the model is described in
benefits/DECISIONS.md. This module keeps the old import path working."""

from .services import (
    AMOUNT_KINDS,
    AMOUNT_NUMBERS,
    BENEFIT_CHANGES,
    CARRYING_KINDS,
    RECOMPUTED_PROGRAMMES,
    Basis,
    Kind,
    benefit_change,
    benefit_grant_record,
    benefits_recompute_for_standard,
    benefits_take_effect,
    manual_ceiling,
    phase_outs_complete,
    rule_amount,
    standard_effective_month,
    standard_problem,
    standard_recompute_start,
    standard_save,
)

__all__ = [
    "AMOUNT_KINDS",
    "AMOUNT_NUMBERS",
    "BENEFIT_CHANGES",
    "CARRYING_KINDS",
    "RECOMPUTED_PROGRAMMES",
    "Basis",
    "Kind",
    "benefit_change",
    "benefit_grant_record",
    "benefits_recompute_for_standard",
    "benefits_take_effect",
    "manual_ceiling",
    "phase_outs_complete",
    "rule_amount",
    "standard_effective_month",
    "standard_problem",
    "standard_recompute_start",
    "standard_save",
]

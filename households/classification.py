"""Household classification 重点/长期/一般保障户 (docs/rules.md).

The rule is `households.rules`, its facts come from `households.selectors.member_facts`, and the
stored result is written by `households.services.household_classify`. This module only re-exports
those names for the apps that import them from here."""

from .rules import CapacityThresholds, MemberFacts, classify, no_capacity_reason
from .selectors import member_facts
from .services.classification import household_classify, register_thresholds_provider, thresholds_on

__all__ = [
    "CapacityThresholds",
    "MemberFacts",
    "classify",
    "household_classify",
    "member_facts",
    "no_capacity_reason",
    "register_thresholds_provider",
    "thresholds_on",
]

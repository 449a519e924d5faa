"""Pure policy calculations (docs/interfaces.md §9, docs/rules.md): numbers in, explained amounts out.

No queries, no I/O. Every number comes in as a parameter from the yearly standard (or is read off a
`Standard` row passed in). Explanations are stored with the decision as part of the legal record,
so they are written in Chinese. By topic: `amounts`, `conditions` (特困, 单人保), `medical`,
`dates` (working days, months), `policy` (where each deadline's number comes from); every name
is re-exported here (`from benefits import rules; rules.x`).
"""

from .amounts import (
    CARE_LEVELS,
    FEN,
    YUAN,
    AddonMember,
    Amount,
    _fmt,
    dibao_addons,
    dibao_amount,
    dibao_decision,
    standard_change,
    tekun_amount,
    tekun_decision,
    with_addons,
)
from .conditions import (
    DISABILITY_NAMES,
    OBLIGOR_INABILITY_NAMES,
    OBLIGOR_RELATION_NAMES,
    SINGLE_HOUSEHOLD_ELIGIBLE,
    SINGLE_NOT_MARGINAL,
    SINGLE_OWN_INCOME,
    TEKUN_ABLE_OBLIGOR,
    TEKUN_SOURCE_OF_LIVING,
    TEKUN_UNABLE_TO_WORK,
    CapacityRules,
    Condition,
    Eligibility,
    ObligorFacts,
    no_capacity_to_work,
    severe_for_single_person,
    single_person_amount,
    tekun_eligibility,
)
from .dates import (
    add_months,
    add_working_days,
    next_month,
)
from .medical import (
    medical_aid,
    medical_deductible_left,
)
from .policy import (
    DEADLINE_NUMBERS,
    deadline_numbers,
    policy_number,
    policy_value,
    review_months,
)
from .reviews import ReviewFacts, ReviewResult, review_outcome

__all__ = [
    "ReviewFacts",
    "ReviewResult",
    "AddonMember",
    "Amount",
    "CARE_LEVELS",
    "CapacityRules",
    "Condition",
    "DEADLINE_NUMBERS",
    "DISABILITY_NAMES",
    "Eligibility",
    "FEN",
    "OBLIGOR_INABILITY_NAMES",
    "OBLIGOR_RELATION_NAMES",
    "ObligorFacts",
    "SINGLE_HOUSEHOLD_ELIGIBLE",
    "SINGLE_NOT_MARGINAL",
    "SINGLE_OWN_INCOME",
    "TEKUN_ABLE_OBLIGOR",
    "TEKUN_SOURCE_OF_LIVING",
    "TEKUN_UNABLE_TO_WORK",
    "YUAN",
    "_fmt",
    "add_months",
    "add_working_days",
    "deadline_numbers",
    "dibao_addons",
    "dibao_amount",
    "dibao_decision",
    "medical_aid",
    "medical_deductible_left",
    "next_month",
    "no_capacity_to_work",
    "policy_number",
    "policy_value",
    "review_months",
    "review_outcome",
    "severe_for_single_person",
    "single_person_amount",
    "standard_change",
    "tekun_amount",
    "tekun_decision",
    "tekun_eligibility",
    "with_addons",
]

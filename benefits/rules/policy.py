"""Where a policy number comes from: one place for the defaults of every deadline and period.

A case keeps the numbers of the standard it was decided under (its snapshot); a case not yet
decided uses the standard of the year; before any standard is set, the `Standard` model's own
defaults apply (the policy as configured, not a copy of it here).
"""

from households.models import Classification

from ..models import Standard

# The working-day deadlines of an application (docs/rules.md), by the standard's field names.
DEADLINE_NUMBERS = (
    "investigation_start_days",
    "decision_days",
    "decision_days_extended",
    "county_decision_days",
    "township_opinion_days",
    "objection_opinion_days",
)


def policy_value(name: str, *, snapshot: dict | None = None, standard: Standard | None = None):
    """The policy number `name`: from `snapshot` (the standard a case was decided under), else
    from `standard` (the year's), else the `Standard` field's default."""
    if snapshot and name in snapshot:
        return snapshot[name]
    if standard is not None:
        return getattr(standard, name)
    return Standard._meta.get_field(name).get_default()


def policy_number(name: str, *, snapshot: dict | None = None, standard: Standard | None = None) -> int:
    """A whole-number policy value (days, months, an age)."""
    return int(policy_value(name, snapshot=snapshot, standard=standard))


def review_months(*, classification: str, snapshot: dict | None) -> int:
    """When a new benefit is reviewed: 一般 households every `review_months_general` months, the
    others (重点, 长期) every `review_months_key`."""
    name = "review_months_general" if classification == Classification.GENERAL else "review_months_key"
    return policy_number(name, snapshot=snapshot)


def deadline_numbers(*, snapshot: dict | None, standard: Standard | None) -> dict[str, int]:
    """Every deadline of an application, in working days."""
    return {name: policy_number(name, snapshot=snapshot, standard=standard) for name in DEADLINE_NUMBERS}

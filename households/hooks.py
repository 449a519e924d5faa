"""Extension points that the higher `benefits` app fills in (dependencies run one way: benefits →
households). What counts as a running benefit, and who is a 特困 supported person, is defined once
in `benefits`; the registry asks through these functions and never names a benefit's status."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

SupportedMemberIds = Callable[[Any], frozenset[int]]
HouseholdsWithRunningBenefit = Callable[[str], QuerySet]
BenefitStatesOf = Callable[[list[int]], dict[int, list[Any]]]

_providers: dict[str, Callable] = {}


def register_benefit_facts(
    *,
    supported_member_ids: SupportedMemberIds,
    households_with_running_benefit: HouseholdsWithRunningBenefit,
    benefit_states_of: BenefitStatesOf,
) -> None:
    """`benefits` registers, at start-up, who of a household is covered by a running 特困 benefit,
    which households (their pks, a subquery) have a running benefit of a programme, and what a
    list shows of many households' benefits."""
    _providers["supported_member_ids"] = supported_member_ids
    _providers["households_with_running_benefit"] = households_with_running_benefit
    _providers["benefit_states_of"] = benefit_states_of


def _provider(name: str) -> Callable:
    try:
        return _providers[name]
    except KeyError as exc:
        raise ImproperlyConfigured("No benefit facts are registered (the benefits app registers them).") from exc


def supported_member_ids(household) -> frozenset[int]:
    """The household's members covered by a running 特困 benefit."""
    return _provider("supported_member_ids")(household)


def households_with_running_benefit(programme: str) -> QuerySet:
    """The pks of the households with a running benefit of `programme` (a subquery)."""
    return _provider("households_with_running_benefit")(programme)


def benefit_states_of(household_ids: list[int]) -> dict[int, list[Any]]:
    """{household id: its benefits, newest first}, each a row with `programme`, `status` and
    `monthly_amount` (this month's), `start_month` and `classification`: plain rows for a page of
    households, in a fixed number of queries."""
    return _provider("benefit_states_of")(household_ids)

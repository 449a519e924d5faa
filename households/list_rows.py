"""A page of the households API as plain rows (no model row per household, head or benefit)."""

from typing import NamedTuple

from django.db.models import FilteredRelation, Q, QuerySet

from .hooks import benefit_states_of
from .models import Household, Relationship


class HouseholdRow(NamedTuple):
    """What a list item shows of a household, as plain values (the API's page)."""

    pk: int
    number: str
    township: str
    village: str
    classification: str
    registered_poor: bool
    out_of_poverty: bool
    size: int
    head_name: str | None
    head_id_number: str | None
    benefits: list  # `hooks.benefit_states_of` rows, newest first


def household_rows(queryset: QuerySet[Household], keys: list[int]) -> list[HouseholdRow]:
    """The households `keys` of `queryset` (`household_list`'s, with its annotations), in the
    order of `keys`, with their heads (a join: one current head per household at most, a unique
    index says so) and their benefits: plain rows in a fixed number of queries (a model row per
    household, head, benefit and decision was half of an API page's time)."""
    head = FilteredRelation(
        "members", condition=Q(members__relationship=Relationship.HEAD, members__removed_on__isnull=True)
    )
    found = {
        row[0]: row
        for row in queryset.order_by()
        .prefetch_related(None)
        .filter(pk__in=keys)
        .annotate(head=head)
        .values_list(
            "pk",
            "number",
            "township__name",
            "village__name",
            "classification",
            "registered_poor",
            "out_of_poverty",
            "size",
            "head__name",
            "head__id_number",
        )
    }
    benefits = benefit_states_of(keys)
    return [HouseholdRow(*found[pk], benefits.get(pk, [])) for pk in keys if pk in found]

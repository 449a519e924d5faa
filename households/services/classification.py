"""Storing a household's classification (the rule is `households.rules.classify`), with audit and
history; and where the thresholds of the rule come from (the higher `benefits` app registers it)."""

import datetime
from collections.abc import Callable, Collection

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sunwu_relief import clock
from sunwu_relief.audit import record_event

from ..events import HouseholdEvent
from ..hooks import supported_member_ids
from ..models import Household
from ..rules import CapacityThresholds, classify
from ..selectors import member_facts

ThresholdsProvider = Callable[[datetime.date], CapacityThresholds]
_thresholds_provider: list[ThresholdsProvider] = []


def register_thresholds_provider(provider: ThresholdsProvider) -> None:
    """The higher `benefits` app keeps the standards; it registers where the thresholds come from."""
    _thresholds_provider[:] = [provider]


def thresholds_on(day: datetime.date) -> CapacityThresholds:
    if not _thresholds_provider:
        raise ImproperlyConfigured("No classification thresholds provider is registered (benefits app).")
    return _thresholds_provider[0](day)


@transaction.atomic
def household_classify(
    *, actor, household: Household, tekun_member_ids: Collection[int] = frozenset(), today: datetime.date | None = None
) -> Household:
    """Recompute and store the household's classification; a no-op when it has not changed."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    today = today or clock.today()
    tekun = frozenset(tekun_member_ids) | supported_member_ids(household)
    code, reason = classify(
        member_facts(household), today=today, thresholds=thresholds_on(today), tekun_member_ids=tekun
    )
    if (household.classification, household.classification_reason) == (code, reason):
        return household
    old = household.classification
    household.classification = code
    household.classification_reason = reason
    household._history_user = actor
    household.save(update_fields=["classification", "classification_reason", "updated"])
    record_event(
        actor=actor, action=HouseholdEvent.HOUSEHOLD_CLASSIFY, obj=household, classification=[old, code], reason=reason
    )
    return household

"""What the households app asks about benefits (registered in `BenefitsConfig.ready()` through
`households.hooks`): the one definition of a running benefit is `selectors.running_benefits`."""

from django.db.models import QuerySet

from households.models import Household

from .models import Programme
from .selectors import running_benefits


def supported_member_ids(household: Household) -> frozenset[int]:
    """The household's members covered by a running 特困 benefit (its classification is 重点)."""
    tekun = running_benefits().filter(programme=Programme.TEKUN)
    return frozenset(household.members.filter(benefits_covering__in=tekun).values_list("pk", flat=True))


def households_with_running_benefit(programme: str) -> QuerySet:
    """The pks of the households with a running benefit of `programme` (the API's filter)."""
    return running_benefits().filter(programme=programme).values("household_id")

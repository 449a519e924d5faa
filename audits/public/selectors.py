"""What the public page shows: this year's standards and time limits (policy data), and where
to apply (each township's service centre), read without a user (nothing here is personal)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from benefits.models import Programme, Standard
from benefits.selectors import standard_for
from benefits.temporary.services import temporary_cap
from households.models import Township, is_example_telephone
from households.selectors import county_settings
from sunwu_relief import clock


@dataclass(frozen=True)
class ServiceCentre:
    township: str
    address: str
    telephone: str


@dataclass(frozen=True)
class PublicFacts:
    year: int
    dibao: Standard | None
    tekun: Standard | None
    medical: Standard | None
    temporary_cap: Decimal | None  # the most one temporary grant may be (months × S)
    centres: list[ServiceCentre]
    bureau_name: str
    bureau_address: str
    complaints_telephone: str
    complaints_telephone_is_example: bool


def public_townships() -> QuerySet[Township]:
    return Township.objects.order_by("code")


def public_facts() -> PublicFacts:
    year = clock.today().year
    dibao = standard_for(Programme.DIBAO, year)
    tekun = standard_for(Programme.TEKUN, year)
    county = county_settings()
    # A township without its own line is reached through the county's (as on its notices).
    centres = [
        ServiceCentre(
            township=township.name,
            address=township.service_address,
            telephone=township.service_telephone or county.complaints_telephone,
        )
        for township in Township.objects.order_by("code")
    ]
    temporary = standard_for(Programme.TEMPORARY, year)
    return PublicFacts(
        year=year,
        dibao=dibao,
        tekun=tekun,
        medical=standard_for(Programme.MEDICAL, year),
        temporary_cap=temporary_cap(temporary) if temporary is not None else None,
        centres=centres,
        bureau_name=county.bureau_name,
        bureau_address=county.bureau_address,
        complaints_telephone=county.complaints_telephone,
        complaints_telephone_is_example=is_example_telephone(county.complaints_telephone),
    )

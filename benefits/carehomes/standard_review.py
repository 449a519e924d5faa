"""The 特困 standard reviewed against the rural living level (the seed: 五保 support at least the
local rural average living level, raised with rural incomes and prices). The bureau records, per
standard year, the rural per-capita living expenditure and the price index it applies; the
floor is expenditure × index ÷ 100 ÷ 12 a month, rounded up to the yuan, and a 特困 basic living
standard below it is refused."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sunwu_relief.errors import Problem

from .. import rules
from ..models import Programme, Standard
from .models import LivingLevel

YUAN = Decimal("1")


def living_floor(*, expenditure: Decimal, price_index: Decimal) -> rules.Amount:
    """The monthly floor of the 特困 basic living standard: pure, numbers in, Chinese out."""
    expenditure, price_index = Decimal(expenditure), Decimal(price_index)
    value = (expenditure * price_index / Decimal("100") / Decimal("12")).quantize(YUAN, rounding=ROUND_CEILING)
    return rules.Amount(
        value,
        f"农村居民人均生活消费支出 {rules._fmt(expenditure)} 元/年 × 价格指数 {rules._fmt(price_index)}% ÷ 12 "
        f"= {rules._fmt(value)} 元/月",
    )


def tekun_basic(standard: Standard) -> Decimal:
    """The 特困 basic living standard a standard gives (its own figure, at least factor × S)."""
    return max(standard.tekun_basic, standard.monthly_standard * standard.tekun_basic_factor)


def tekun_standards() -> QuerySet[Standard]:
    return Standard.objects.filter(programme=Programme.TEKUN)


def living_level_errors(level: LivingLevel) -> dict[str, list[Problem]]:
    """The checks of a living level beyond its fields' own: a positive expenditure, an index
    between 50 and 200, statistics of the standard year or of up to three years before."""
    errors: dict[str, list[Problem]] = {}
    if level.expenditure is not None and level.expenditure <= 0:
        errors["expenditure"] = [Problem("living_level.bad_expenditure", _("Above 0 yuan a year."))]
    if level.price_index is not None and not Decimal("50") <= level.price_index <= Decimal("200"):
        errors["price_index"] = [Problem("living_level.bad_index", _("Between 50 and 200 (previous year = 100)."))]
    if level.year is not None and level.expenditure_year is not None:
        if not level.year - 3 <= level.expenditure_year <= level.year:
            errors["expenditure_year"] = [
                Problem("living_level.bad_year", _("The statistics of the standard year or of up to 3 years before."))
            ]
    return errors


def living_level_of(year: int) -> LivingLevel | None:
    return LivingLevel.objects.filter(year=year).first()


def floor_problem(standard: Standard) -> Problem | None:
    """A 特困 standard below the living level recorded for its year; None when fine or unrecorded."""
    if standard.programme != Programme.TEKUN or standard.monthly_standard is None:
        return None
    level = living_level_of(standard.year)
    if level is None:
        return None
    floor = living_floor(expenditure=level.expenditure, price_index=level.price_index)
    basic = tekun_basic(standard)
    if basic >= floor.value:
        return None
    return Problem(
        "standard.below_living_level",
        _("The 特困 basic living standard %(basic)s yuan/month is below the rural living level: %(floor)s.")
        % {"basic": rules._fmt(basic), "floor": floor.explanation},
    )


def standard_check(standard: Standard) -> list[Problem]:
    """For `benefits.hooks.register_standard_check`."""
    problem = floor_problem(standard)
    return [problem] if problem else []


@dataclass(frozen=True)
class ReviewRow:
    year: int
    standard: Standard | None
    level: LivingLevel | None
    basic: Decimal | None
    floor: rules.Amount | None

    @property
    def below(self) -> bool:
        return self.basic is not None and self.floor is not None and self.basic < self.floor.value

    @property
    def margin(self) -> Decimal | None:
        return self.basic - self.floor.value if self.basic is not None and self.floor is not None else None


def review_rows(*, today: datetime.date) -> list[ReviewRow]:
    """Each year with a 特困 standard or a living level, latest first: the standard against the floor."""
    standards = {s.year: s for s in Standard.objects.filter(programme=Programme.TEKUN)}
    levels = {lv.year: lv for lv in LivingLevel.objects.all()}
    rows = []
    for year in sorted(set(standards) | set(levels) | {today.year}, reverse=True):
        standard, level = standards.get(year), levels.get(year)
        floor = living_floor(expenditure=level.expenditure, price_index=level.price_index) if level else None
        rows.append(ReviewRow(year, standard, level, tekun_basic(standard) if standard else None, floor))
    return rows

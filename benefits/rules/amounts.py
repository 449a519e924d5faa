"""Amounts: the 低保 grant and its add-ons, the 特困 support, a standard change passed on.

Pure: numbers in, an explained amount out. Explanations are stored with the decision as part of
the legal record, so they are written in Chinese here.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

YUAN = Decimal("1")
FEN = Decimal("0.01")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    explanation: str


def _fmt(value: Decimal) -> str:
    """380 for whole numbers, 120.5 / 120.33 otherwise (no trailing zeros)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(YUAN))
    return format(value.quantize(FEN, rounding=ROUND_HALF_UP).normalize(), "f")


def dibao_amount(*, standard: Decimal, members: int, monthly_income: Decimal) -> Amount:
    """低保 grant: (S − I) × members = S × members − household income, rounded up to the yuan."""
    standard = Decimal(standard)
    monthly_income = Decimal(monthly_income)
    if members < 1:
        raise ValueError("members must be at least 1")
    if standard <= 0:
        raise ValueError("the standard must be positive")
    income = max(monthly_income, Decimal("0"))
    per_capita = income / members
    per_capita_text = _fmt(per_capita)
    if per_capita >= standard:
        return Amount(
            Decimal("0"),
            f"家庭月人均收入 {per_capita_text} 元，不低于保障标准 {_fmt(standard)} 元/人·月，不符合低保条件。",
        )
    if income == 0:
        value = (standard * members).quantize(YUAN, rounding=ROUND_CEILING)
        return Amount(value, f"无收入，全额保障：{_fmt(standard)} × {members} 人 = {_fmt(value)} 元/月")
    exact = standard * members - income
    value = exact.quantize(YUAN, rounding=ROUND_CEILING)
    if per_capita == per_capita.quantize(FEN):
        text = f"差额保障：({_fmt(standard)} − {per_capita_text}) × {members} 人 = {_fmt(exact)} 元/月"
    else:
        text = f"差额保障：{_fmt(standard)} × {members} 人 − 家庭月收入 {_fmt(income)} 元 = {_fmt(exact)} 元/月"
    if value != exact:
        text += f"，向上取整为 {_fmt(value)} 元/月"
    return Amount(value, text)


@dataclass(frozen=True)
class AddonMember:
    age: int
    severe_disability: bool
    serious_illness: bool


def dibao_addons(
    *,
    standard: Decimal,
    members: Iterable[AddonMember],
    shares: dict[str, Decimal],
    elderly_age: int,
    minor_age: int,
) -> Amount:
    """分类施保: one add-on per person (the largest that applies), as a share of S, rounded up.
    The ages (70 and over, under 18 by default) come from the standard."""
    total = Decimal("0")
    parts = []
    labels = {
        "elderly_70": f"{elderly_age}岁以上",
        "severe_disability": "重度残疾",
        "serious_illness": "重病",
        "minor": "未成年",
    }
    for member in members:
        applicable = []
        if member.age >= elderly_age:
            applicable.append("elderly_70")
        if member.severe_disability:
            applicable.append("severe_disability")
        if member.serious_illness:
            applicable.append("serious_illness")
        if member.age < minor_age:
            applicable.append("minor")
        best = max(applicable, key=lambda key: Decimal(shares.get(key, 0)), default=None)
        share = Decimal(shares.get(best, 0)) if best else Decimal("0")
        if share > 0:
            total += Decimal(standard) * share
            parts.append(f"{labels[best]} {_fmt(standard)} × {_fmt(share * 100)}%")
    value = total.quantize(YUAN, rounding=ROUND_CEILING)
    if not parts:
        return Amount(Decimal("0"), "")
    return Amount(value, "分类施保加发：" + " + ".join(parts) + f" = {_fmt(value)} 元/月")


def standard_change(*, amount: Decimal, old_standard: Decimal, new_standard: Decimal, persons: int) -> Amount:
    """A change of the per-person standard passed on to an amount the rules did not compute (a
    manual adjustment, a legacy roll's amount): amount + (new − old) × persons, rounded up to the
    yuan, never below 0."""
    amount, old, new = Decimal(amount), Decimal(old_standard), Decimal(new_standard)
    value = max(Decimal("0"), (amount + (new - old) * persons).quantize(YUAN, rounding=ROUND_CEILING))
    return Amount(
        value,
        f"原月保障金额 {_fmt(amount)} 元 + 标准调整 ({_fmt(new)} − {_fmt(old)}) × {persons} 人 = {_fmt(value)} 元/月",
    )


CARE_LEVELS = {"full_self_care": "全自理", "semi_disabled": "半失能", "fully_disabled": "全失能"}


def tekun_amount(*, basic_standard: Decimal, care_level: str, care_allowances: dict[str, Decimal]) -> Amount:
    """特困供养: basic living standard plus the care allowance for the person's self-care ability."""
    if care_level not in CARE_LEVELS:
        raise ValueError(f"unknown care level {care_level!r}")
    basic = Decimal(basic_standard)
    care = Decimal(care_allowances[care_level])
    value = (basic + care).quantize(YUAN, rounding=ROUND_CEILING)
    return Amount(
        value,
        f"基本生活标准 {_fmt(basic)} 元 + 照料护理补贴（{CARE_LEVELS[care_level]}）{_fmt(care)} 元 = {_fmt(value)} 元/月",
    )


# The amounts a standard gives (a `Standard` row: its numbers only, no query) ------------------


def tekun_decision(*, standard, care_level: str) -> Amount:
    """特困: the basic living standard (at least factor × S) plus the care allowance of the level."""
    return tekun_amount(
        basic_standard=max(standard.tekun_basic, standard.monthly_standard * standard.tekun_basic_factor),
        care_level=care_level,
        care_allowances={
            "full_self_care": standard.care_full_self_care,
            "semi_disabled": standard.care_semi_disabled,
            "fully_disabled": standard.care_fully_disabled,
        },
    )


def with_addons(amount: Amount, *, standard, covered: Iterable, on: datetime.date) -> Amount:
    """`amount` plus the 分类施保 add-ons of the `covered` members on day `on` (shares of S from the
    standard; none when the grant itself is 0)."""
    if amount.value <= 0:
        return amount
    addons = dibao_addons(
        standard=standard.monthly_standard,
        members=[
            AddonMember(
                age=m.age_on(on),
                severe_disability=m.disability_grade is not None
                and m.disability_grade <= standard.severe_disability_grade,
                serious_illness=m.serious_illness,
            )
            for m in covered
        ],
        shares={
            "elderly_70": standard.addon_elderly_70,
            "severe_disability": standard.addon_severe_disability,
            "serious_illness": standard.addon_serious_illness,
            "minor": standard.addon_minor,
        },
        elderly_age=standard.addon_age_elderly,
        minor_age=standard.addon_age_minor,
    )
    if addons.value <= 0:
        return amount
    total = amount.value + addons.value
    return Amount(total, f"{amount.explanation}；{addons.explanation}；合计 {total} 元/月")


def dibao_decision(*, standard, covered: list, count: int, income: Decimal, on: datetime.date) -> Amount:
    """The 低保 grant with the 分类施保 add-ons of the covered members (shares of S; 0 by default)."""
    amount = dibao_amount(standard=standard.monthly_standard, members=count, monthly_income=income)
    return with_addons(amount, standard=standard, covered=covered, on=on)

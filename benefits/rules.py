"""Pure policy calculations (CONTRACT.md §9, RULES.md §2): numbers in, explained amounts out.

No ORM, no I/O. Every number comes in as a parameter from the yearly standard. Explanations are
stored with the decision as part of the legal record, so they are written in Chinese here.
"""

import datetime
from collections.abc import Collection, Iterable
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


def dibao_addons(*, standard: Decimal, members: Iterable[AddonMember], shares: dict[str, Decimal]) -> Amount:
    """分类施保: one add-on per person (the largest that applies), as a share of S, rounded up."""
    total = Decimal("0")
    parts = []
    labels = {"elderly_70": "70岁以上", "severe_disability": "重度残疾", "serious_illness": "重病", "minor": "未成年"}
    for member in members:
        applicable = []
        if member.age >= 70:
            applicable.append("elderly_70")
        if member.severe_disability:
            applicable.append("severe_disability")
        if member.serious_illness:
            applicable.append("serious_illness")
        if member.age < 18:
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


def medical_deductible_left(*, yearly_deductible: Decimal, earlier_self_pay: Iterable[Decimal]) -> Decimal:
    """What is left of the yearly deductible (起付标准) for the next claim: it is met once a year
    by the policy-scope self-pay of that year's earlier claims together, never below zero."""
    yearly = Decimal(yearly_deductible)
    if yearly < 0:
        raise ValueError("the deductible cannot be negative")
    spent = sum((Decimal(amount) for amount in earlier_self_pay), Decimal("0"))
    return max(Decimal("0"), yearly - spent).quantize(FEN)


def medical_aid(
    *, self_pay: Decimal, ratio: Decimal, deductible: Decimal, annual_cap: Decimal, paid_this_year: Decimal
) -> Amount:
    """One claim's aid: max(0, self-pay − deductible) × ratio, never beyond the cap left, to the fen.

    `deductible` is what is left of the yearly deductible for this claim
    (`medical_deductible_left`), not the yearly amount itself; a ratio outside 0–1 is refused."""
    self_pay, ratio = Decimal(self_pay), Decimal(ratio)
    deductible, annual_cap, paid = Decimal(deductible), Decimal(annual_cap), Decimal(paid_this_year)
    if not ratio.is_finite() or not Decimal("0") <= ratio <= Decimal("1"):
        raise ValueError("the ratio must lie between 0 and 1")
    if deductible < 0:
        raise ValueError("the deductible left cannot be negative")
    base = max(Decimal("0"), self_pay - deductible)
    raw = (base * ratio).quantize(FEN, rounding=ROUND_HALF_UP)
    left = max(Decimal("0"), annual_cap - paid)
    value = min(raw, left).quantize(FEN)
    text = (
        f"(政策范围内自付 {_fmt(self_pay)} − 本年剩余起付线 {_fmt(deductible)}) × {_fmt(ratio * 100)}% = {raw:.2f} 元"
    )
    if value < raw:
        text += f"；年度封顶 {_fmt(annual_cap)} 元，本年已救助 {_fmt(paid)} 元，本次救助 {value:.2f} 元"
    return Amount(value, text)


# Working days ------------------------------------------------------------------------------


def add_working_days(
    start: datetime.date,
    days: int,
    *,
    holidays: Collection[datetime.date] = (),
    make_up_days: Collection[datetime.date] = (),
) -> datetime.date:
    """The date `days` working days after `start` (weekends and holidays skipped, make-up days worked)."""

    def working(day: datetime.date) -> bool:
        if day in make_up_days:
            return True
        return day.weekday() < 5 and day not in holidays

    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if working(current):
            remaining -= 1
    return current


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after `day` (payment starts the month after approval)."""
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = [
        31,
        29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return datetime.date(year, month, min(day.day, last_day))

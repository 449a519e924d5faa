"""Medical assistance: the yearly deductible left and one claim's aid."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .amounts import FEN, Amount, _fmt


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

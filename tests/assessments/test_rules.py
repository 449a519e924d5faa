"""The pure calculations: countable income with its Chinese arithmetic, and the asset verdict."""

from decimal import Decimal

import pytest

from assessments.rules import AssetFacts, IncomeLine, Limits, assets_verdict, countable_income

LIMITS = Limits(
    year=2026,
    excluded_income_kinds=frozenset({"special_care", "scholarship"}),
    employment_deduction=Decimal("0"),
    deposits_per_capita_max=Decimal("10000"),
    vehicles_max=0,
    vehicle_exempt_types=frozenset({"摩托车"}),
    housing_count_max=1,
    housing_area_per_capita_max=Decimal("40"),
    machinery_value_max=Decimal("50000"),
    business_allowed=False,
)


def test_per_capita_income_is_rounded_to_the_fen_and_explained():
    result = countable_income(
        [IncomeLine(1, "wages", Decimal("1000")), IncomeLine(2, "farming", Decimal("0.01"))],
        members=3,
        excluded_kinds=LIMITS.excluded_income_kinds,
        employment_deduction=Decimal("0"),
    )
    assert result.monthly_income == Decimal("1000.01")
    assert result.per_capita_income == Decimal("333.34")
    assert result.explanation == (
        "计入收入：工资性收入 1000 + 家庭经营净收入 0.01 = 1000.01 元/月；"
        "家庭月收入 1000.01 元 ÷ 3 人 = 人均月收入 333.34 元。"
    )


def test_excluded_kinds_are_listed_not_counted():
    result = countable_income(
        [IncomeLine(1, "special_care", Decimal("800")), IncomeLine(1, "scholarship", Decimal("50"))],
        members=1,
        excluded_kinds=LIMITS.excluded_income_kinds,
        employment_deduction=Decimal("0"),
    )
    assert result.monthly_income == Decimal("0.00")
    assert "不计入收入：优待抚恤金 800 元、奖学金 50 元" in result.explanation


def test_employment_deduction_per_wage_earner_never_below_zero():
    result = countable_income(
        [IncomeLine(1, "wages", Decimal("50")), IncomeLine(2, "wages", Decimal("500"))],
        members=2,
        excluded_kinds=frozenset(),
        employment_deduction=Decimal("100"),
    )
    assert result.monthly_income == Decimal("400.00")  # 550 − (50 + 100)
    assert "扣除就业成本 150 元/月（2 人）" in result.explanation


def test_household_without_members_is_an_error():
    with pytest.raises(ValueError, match="at least one member"):
        countable_income([], members=0, excluded_kinds=frozenset(), employment_deduction=Decimal("0"))


def test_deposits_exactly_at_the_limit_are_within():
    verdict = assets_verdict(AssetFacts(deposits=Decimal("20000")), members=2, limits=LIMITS)
    assert verdict.within_limits is True
    verdict = assets_verdict(AssetFacts(deposits=Decimal("20000.01")), members=2, limits=LIMITS)
    assert verdict.within_limits is False
    assert "超过上限 10000 元 × 2 人 = 20000 元" in verdict.reasons[0]


def test_exempt_vehicle_type_is_not_counted_but_a_car_is():
    assert assets_verdict(AssetFacts(vehicle_types=("摩托车",)), members=1, limits=LIMITS).within_limits is True
    verdict = assets_verdict(AssetFacts(vehicle_types=("摩托车", "小型轿车")), members=1, limits=LIMITS)
    assert verdict.within_limits is False
    assert "机动车 1 辆（小型轿车）" in verdict.reasons[1]


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (AssetFacts(housing_count=2), "住房 2 处"),
        (AssetFacts(housing_count=1, housing_area=Decimal("81")), "住房面积 81 ㎡"),
        (AssetFacts(machinery_value=Decimal("50001")), "农机价值"),
        (AssetFacts(businesses=1), "经营实体"),
    ],
)
def test_each_limit_gives_a_reason(facts, reason):
    verdict = assets_verdict(facts, members=2, limits=LIMITS)
    assert verdict.within_limits is False
    assert any(reason in r for r in verdict.reasons)

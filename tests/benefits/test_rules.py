"""The pure policy functions of docs/interfaces.md §9, checked against the published rules."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benefits.rules import (
    AddonMember,
    add_months,
    add_working_days,
    dibao_addons,
    dibao_amount,
    medical_aid,
    medical_deductible_left,
    next_month,
    tekun_amount,
)

D = Decimal


def test_dibao_differential_grant_matches_the_rules_example():
    amount = dibao_amount(standard=D("380"), members=3, monthly_income=D("360"))
    assert amount.value == D("780")
    assert amount.explanation == "差额保障：(380 − 120) × 3 人 = 780 元/月"


def test_dibao_without_income_is_the_full_grant():
    amount = dibao_amount(standard=D("480"), members=2, monthly_income=D("0"))
    assert amount.value == D("960")
    assert "全额" in amount.explanation


def test_dibao_rounds_up_to_the_yuan_and_says_so():
    amount = dibao_amount(standard=D("480"), members=3, monthly_income=D("100.50"))
    assert amount.value == D("1340")  # 1440 − 100.50 = 1339.50 → 1340
    assert "向上取整" in amount.explanation


def test_dibao_not_eligible_when_per_capita_income_reaches_the_standard():
    assert dibao_amount(standard=D("480"), members=2, monthly_income=D("960")).value == 0
    assert dibao_amount(standard=D("480"), members=2, monthly_income=D("959")).value == D("1")


@pytest.mark.parametrize("members", [0, -1])
def test_dibao_needs_a_member(members):
    with pytest.raises(ValueError, match="members"):
        dibao_amount(standard=D("480"), members=members, monthly_income=D("0"))


@given(
    standard=st.decimals(min_value=D("100"), max_value=D("2000"), places=2),
    members=st.integers(min_value=1, max_value=12),
    income=st.decimals(min_value=D("0"), max_value=D("30000"), places=2),
)
def test_dibao_grant_closes_the_gap_and_never_goes_negative(standard, members, income):
    amount = dibao_amount(standard=standard, members=members, monthly_income=income)
    assert amount.value >= 0
    assert amount.value == amount.value.to_integral_value()
    if income / members < standard:
        gap = standard * members - income
        assert gap <= amount.value < gap + 1
    else:
        assert amount.value == 0


def test_medical_aid_dibao_85_percent_after_deductible():
    aid = medical_aid(
        self_pay=D("10000"), ratio=D("0.85"), deductible=D("500"), annual_cap=D("50000"), paid_this_year=D("0")
    )
    assert aid.value == D("8075.00")


def test_medical_aid_tekun_100_percent_no_deductible():
    aid = medical_aid(
        self_pay=D("1234.56"), ratio=D("1"), deductible=D("0"), annual_cap=D("50000"), paid_this_year=D("0")
    )
    assert aid.value == D("1234.56")


def test_medical_aid_never_beyond_the_cap_left_and_never_negative():
    aid = medical_aid(
        self_pay=D("10000"), ratio=D("1"), deductible=D("0"), annual_cap=D("50000"), paid_this_year=D("48000")
    )
    assert aid.value == D("2000.00")
    assert "封顶" in aid.explanation
    assert (
        medical_aid(
            self_pay=D("100"), ratio=D("0.85"), deductible=D("500"), annual_cap=D("1"), paid_this_year=D("0")
        ).value
        == 0
    )
    assert (
        medical_aid(
            self_pay=D("100"), ratio=D("1"), deductible=D("0"), annual_cap=D("100"), paid_this_year=D("300")
        ).value
        == 0
    )


@given(
    self_pay=st.decimals(min_value=D("0"), max_value=D("1000000"), places=2),
    ratio=st.decimals(min_value=D("0"), max_value=D("1"), places=2),
    deductible=st.decimals(min_value=D("0"), max_value=D("5000"), places=2),
    cap=st.decimals(min_value=D("0"), max_value=D("100000"), places=2),
    paid=st.decimals(min_value=D("0"), max_value=D("200000"), places=2),
)
def test_medical_aid_is_to_the_fen_within_bounds(self_pay, ratio, deductible, cap, paid):
    aid = medical_aid(self_pay=self_pay, ratio=ratio, deductible=deductible, annual_cap=cap, paid_this_year=paid).value
    assert aid == aid.quantize(D("0.01"))
    assert D("0") <= aid <= max(D("0"), cap - paid)
    assert aid <= max(D("0"), self_pay - deductible) * ratio + D("0.005")


def test_tekun_amount_adds_the_care_allowance():
    amount = tekun_amount(
        basic_standard=D("624"),
        care_level="semi_disabled",
        care_allowances={"full_self_care": D("191"), "semi_disabled": D("319"), "fully_disabled": D("478")},
    )
    assert amount.value == D("943")
    assert "半失能" in amount.explanation


def test_addons_take_the_largest_share_once_per_person():
    members = [
        AddonMember(age=75, severe_disability=True, serious_illness=False),
        AddonMember(age=40, severe_disability=False, serious_illness=False),
    ]
    amount = dibao_addons(
        standard=D("480"),
        members=members,
        shares={"elderly_70": D("0.1"), "severe_disability": D("0.2")},
        elderly_age=70,
        minor_age=18,
    )
    assert amount.value == D("96")
    assert dibao_addons(standard=D("480"), members=members, shares={}, elderly_age=70, minor_age=18).value == 0


def test_addon_ages_are_the_standards():
    """A county that pays the elderly add-on from 65 (data) pays it to a 66-year-old."""
    members = [AddonMember(age=66, severe_disability=False, serious_illness=False)]
    shares = {"elderly_70": D("0.1")}
    assert dibao_addons(standard=D("480"), members=members, shares=shares, elderly_age=70, minor_age=18).value == 0
    amount = dibao_addons(standard=D("480"), members=members, shares=shares, elderly_age=65, minor_age=18)
    assert amount.value == D("48")
    assert "65岁以上" in amount.explanation


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    friday = datetime.date(2026, 9, 25)
    assert add_working_days(friday, 1) == datetime.date(2026, 9, 28)
    assert add_working_days(friday, 3, holidays={datetime.date(2026, 9, 29)}) == datetime.date(2026, 10, 1)
    assert add_working_days(friday, 1, make_up_days={datetime.date(2026, 9, 26)}) == datetime.date(2026, 9, 26)


def test_months():
    assert next_month(datetime.date(2026, 12, 15)) == datetime.date(2027, 1, 1)
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)


@pytest.mark.parametrize("ratio", [D("1.01"), D("-0.1"), D("85"), D("NaN")])
def test_medical_aid_refuses_a_ratio_outside_zero_and_one(ratio):
    with pytest.raises(ValueError, match="ratio"):
        medical_aid(self_pay=D("100"), ratio=ratio, deductible=D("0"), annual_cap=D("1000"), paid_this_year=D("0"))


def test_medical_deductible_is_met_once_a_year_by_the_claims_together():
    """Yearly deductible 500: claims of 300, 400 and 1000 self-pay in one year."""
    first_left = medical_deductible_left(yearly_deductible=D("500"), earlier_self_pay=[])
    first = medical_aid(
        self_pay=D("300"), ratio=D("0.85"), deductible=first_left, annual_cap=D("50000"), paid_this_year=D("0")
    )
    assert (first_left, first.value) == (D("500.00"), D("0.00"))
    second_left = medical_deductible_left(yearly_deductible=D("500"), earlier_self_pay=[D("300")])
    second = medical_aid(
        self_pay=D("400"), ratio=D("0.85"), deductible=second_left, annual_cap=D("50000"), paid_this_year=first.value
    )
    assert second_left == D("200.00")
    assert second.value == D("170.00")  # (400 − 200) × 85%
    third_left = medical_deductible_left(yearly_deductible=D("500"), earlier_self_pay=[D("300"), D("400")])
    third = medical_aid(
        self_pay=D("1000"), ratio=D("0.85"), deductible=third_left, annual_cap=D("50000"), paid_this_year=D("170")
    )
    assert third_left == D("0.00")
    assert third.value == D("850.00")  # the deductible is not taken again


def test_medical_deductible_left_refuses_a_negative_deductible():
    with pytest.raises(ValueError, match="deductible"):
        medical_deductible_left(yearly_deductible=D("-1"), earlier_self_pay=[])

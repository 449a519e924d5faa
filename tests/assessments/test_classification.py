"""The classification rules (docs/rules.md) on their boundaries: 60 and over, under 16, labour capacity, 特困 members."""

import datetime

import pytest

from households.classification import CapacityThresholds, MemberFacts, classify, household_classify

TODAY = datetime.date(2026, 11, 29)
RULES = CapacityThresholds(elderly_age=60, minor_age=16, severe_grade=2)


def person(pk: int, *, born: datetime.date, **kw) -> MemberFacts:
    return MemberFacts(id=pk, name=f"成员{pk}", birth_date=born, **kw)


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years) + datetime.timedelta(days=days)


def test_member_exactly_60_today_has_no_labour_capacity():
    code, reason = classify([person(1, born=years_ago(60))], today=TODAY, thresholds=RULES)
    assert code == "long_term"
    assert "60 岁" in reason


def test_member_one_day_short_of_60_is_of_working_age():
    code, _ = classify([person(1, born=years_ago(60, days=1))], today=TODAY, thresholds=RULES)
    assert code == "general"


def test_member_exactly_16_today_is_of_working_age():
    code, reason = classify([person(1, born=years_ago(16))], today=TODAY, thresholds=RULES)
    assert code == "general"
    assert "成员1 有劳动能力" in reason


def test_member_one_day_short_of_16_is_a_minor():
    code, reason = classify([person(1, born=years_ago(16, days=1))], today=TODAY, thresholds=RULES)
    assert code == "long_term"
    assert "未满 16 周岁" in reason


def test_elderly_and_child_household_is_long_term():
    code, _ = classify([person(1, born=years_ago(72)), person(2, born=years_ago(9))], today=TODAY, thresholds=RULES)
    assert code == "long_term"


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"labour_capacity": "lost"}, "long_term"),
        ({"labour_capacity": "none"}, "long_term"),
        ({"labour_capacity": "weak"}, "general"),  # some labour capacity (弱劳动力)
        ({"labour_capacity": "normal"}, "general"),
        ({"labour_capacity": ""}, "general"),  # not yet assessed, of working age
        ({"serious_illness": True}, "long_term"),
        ({"disability_grade": 2}, "long_term"),
        ({"disability_grade": 3}, "general"),
    ],
)
def test_working_age_member_by_health_facts(facts, expected):
    code, _ = classify([person(1, born=years_ago(40), **facts)], today=TODAY, thresholds=RULES)
    assert code == expected


def test_one_able_member_makes_the_household_general():
    members = [person(1, born=years_ago(70)), person(2, born=years_ago(40), labour_capacity="normal")]
    assert classify(members, today=TODAY, thresholds=RULES)[0] == "general"


def test_tekun_member_makes_the_household_key_whatever_the_others():
    members = [person(1, born=years_ago(70)), person(2, born=years_ago(40), labour_capacity="normal")]
    code, reason = classify(members, today=TODAY, thresholds=RULES, tekun_member_ids=frozenset({1}))
    assert code == "key"
    assert "成员1 为特困供养人员" in reason


def test_household_without_members_is_not_classified():
    assert classify([], today=TODAY, thresholds=RULES)[0] == ""


@pytest.mark.django_db
def test_household_classify_stores_reason_with_audit_and_is_idempotent(household_sunwu, caseworker_sunwu):
    from sunwu_relief.models import AuditEvent

    head = household_sunwu.members.get(relationship="head")
    before = AuditEvent.objects.filter(action="household.classify").count()  # registry writes classify too
    household_classify(actor=caseworker_sunwu, household=household_sunwu, tekun_member_ids={head.pk}, today=TODAY)
    household_classify(actor=caseworker_sunwu, household=household_sunwu, tekun_member_ids={head.pk}, today=TODAY)
    household_sunwu.refresh_from_db()
    assert household_sunwu.classification == "key"
    assert "王大山 为特困供养人员" in household_sunwu.classification_reason
    assert AuditEvent.objects.filter(action="household.classify").count() == before + 1
    assert household_sunwu.history.first().history_user == caseworker_sunwu


def test_the_thresholds_are_the_years_standard(make_household, caseworker_sunwu):
    """A county that sets 'no labour capacity from 55' (data) classifies a 56-year-old so."""
    from benefits.models import Standard
    from tests.conftest import member_data, new_id_number

    head = member_data(name="郑大", relationship="head", id_number=new_id_number(born="19700101"))
    household = make_household(caseworker_sunwu, head=head)
    household_classify(actor=caseworker_sunwu, household=household, today=TODAY)
    household.refresh_from_db()
    assert household.classification == "general"
    Standard.objects.filter(programme="dibao").update(no_capacity_age_elderly=55)
    household_classify(actor=caseworker_sunwu, household=household, today=TODAY)
    household.refresh_from_db()
    assert household.classification == "long_term"
    assert "55 岁及以上" in household.classification_reason

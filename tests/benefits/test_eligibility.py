"""Eligibility as the published rules state it (docs/rules.md): 特困's three conditions, 单人保 in a
低保边缘 household with the person's own income, not both 特困 and 低保, one employment-cost
deduction, and the thresholds as data. S = 480 (the 2026 default standard)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import PolicyLimits
from benefits import rules, services
from benefits.models import ApplicationStatus, Benefit, BenefitChange, BenefitStatus, Obligor, Standard
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from tests.builders import scan
from tests.conftest import member_data, new_id_number

pytestmark = pytest.mark.django_db

D = Decimal
S = D("480")
CAPACITY = rules.CapacityRules(elderly_age=60, minor_age=16, max_grade_mental=3, max_grade_limb=2, max_grade_vision=1)


def today() -> datetime.date:
    """Today in local time, read when a test runs (a run may cross midnight after collection)."""
    return timezone.localdate()


def born(age: int, *, days: int = 0) -> str:
    """The YYYYMMDD birth date of someone `age` years old today (`days` short of it)."""
    day = today().replace(year=today().year - age) + datetime.timedelta(days=days)
    return f"{day:%Y%m%d}"


# 特困: the pure rule -------------------------------------------------------------------------


def tekun(**overrides) -> rules.Eligibility:
    facts = {
        "name": "赵老汉",
        "age": 72,
        "disability_kind": "",
        "disability_grade": None,
        "capacity": CAPACITY,
        "own_income": D("0"),
        "standard": S,
        "assets_within_limits": True,
        "obligors": (),
    }
    facts.update(overrides)
    return rules.tekun_eligibility(**facts)


def test_tekun_eligible_elderly_person_without_income_assets_or_obligor():
    result = tekun()
    assert result.eligible
    assert [c.code for c in result.conditions] == [
        "tekun.able_to_work",
        "tekun.source_of_living",
        "tekun.able_obligor",
    ]
    assert "72 岁，年满 60 周岁" in result.conditions[0].explanation
    assert "无法定赡养、抚养、扶养义务人" in result.conditions[2].explanation


@pytest.mark.parametrize(
    ("age", "kind", "grade", "met"),
    [
        (60, "", None, True),  # 60 or older
        (59, "", None, False),
        (15, "", None, True),  # under 16
        (16, "", None, False),
        (35, "intellectual", 3, True),  # intellectual or mental grade 1–3
        (35, "mental", 4, False),
        (35, "limb", 2, True),  # limb grade 1–2
        (35, "limb", 3, False),
        (35, "vision", 1, True),  # vision grade 1
        (35, "vision", 2, False),
        (35, "hearing", 1, False),  # not listed
    ],
)
def test_tekun_condition_one_no_capacity_to_work(age, kind, grade, met):
    result = tekun(age=age, disability_kind=kind, disability_grade=grade)
    assert result.conditions[0].met is met
    assert result.eligible is met


def test_tekun_condition_two_fails_on_own_income_at_s_or_on_assets():
    assert tekun(own_income=D("479.99")).eligible
    at_s = tekun(own_income=S)
    assert [c.code for c in at_s.failed] == ["tekun.source_of_living"]
    assert "不低于保障标准 480 元" in at_s.failed[0].explanation
    assets = tekun(assets_within_limits=False, asset_reasons=["存款及有价证券 50000 元，超过上限"])
    assert [c.code for c in assets.failed] == ["tekun.source_of_living"]
    assert "50000" in assets.failed[0].explanation


def test_tekun_condition_three_an_able_obligor_fails_unable_ones_with_reasons_pass():
    son = rules.ObligorFacts(name="赵大", relation="子女", can_support=True)
    able = tekun(obligors=[son])
    assert [c.code for c in able.failed] == ["tekun.able_obligor"]
    assert "子女赵大" in able.failed[0].explanation
    unable = tekun(
        obligors=[
            rules.ObligorFacts(name="赵大", relation="子女", can_support=False, reason="本人为低保对象"),
            rules.ObligorFacts(name="赵二", relation="子女", can_support=False, reason="重度残疾"),
        ]
    )
    assert unable.eligible
    assert "赵大（本人为低保对象）" in unable.conditions[2].explanation


def test_healthy_35_year_old_with_3000_income_fails_two_conditions():
    result = tekun(age=35, own_income=D("3000"))
    assert [c.code for c in result.failed] == ["tekun.able_to_work", "tekun.source_of_living"]


# 单人保: the pure rule ------------------------------------------------------------------------


def single(per_capita: str, own: str = "0") -> tuple[rules.Amount, str]:
    return rules.single_person_amount(
        standard=S, per_capita_income=D(per_capita), own_income=D(own), marginal_factor=D("1.5")
    )


def test_single_person_edge_at_exactly_s_is_marginal_and_allowed():
    amount, code = single("480")
    assert code == ""
    assert amount.value == D("480")
    assert "低保边缘家庭" in amount.explanation


def test_single_person_just_below_s_is_refused_the_household_itself_is_eligible():
    amount, code = single("479.99")
    assert (amount.value, code) == (D("0"), "single.household_eligible")


def test_single_person_edge_at_exactly_one_and_a_half_s_is_refused():
    amount, code = single("720")
    assert (amount.value, code) == (D("0"), "single.not_marginal")
    amount, code = single("719.99", own="100")
    assert code == ""
    assert amount.value == D("380")  # S − own income


def test_single_person_own_income_counts_and_is_rounded_up():
    amount, code = single("600", own="120.40")
    assert code == ""
    assert amount.value == D("360")  # 480 − 120.40 = 359.60, rounded up
    assert single("600", own="480") == (single("600", own="480")[0], "single.own_income_above_standard")


# Through the services -----------------------------------------------------------------------


def _household_with_assessment(cases, *, head, members=(), incomes=()):
    household = cases.make_household(cases.caseworker, head=head, members=list(members))
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=today(), signatory=head.name, scan=scan()
    )
    for name, kind, amount in incomes:
        member = household.members.get(name=name)
        assessment_services.income_add(
            actor=cases.caseworker, assessment=assessment, member=member, kind=kind, monthly_amount=D(amount)
        )
    return household, assessment


def _tekun_application(cases, *, age=72, incomes=(), **person):
    head = member_data(name="赵老汉", relationship="head", id_number=new_id_number(born=born(age)), **person)
    household, assessment = _household_with_assessment(cases, head=head, incomes=incomes)
    application = services.application_create(
        actor=cases.caseworker, household=household, programme="tekun", single_member=household.members.get()
    )
    return application, assessment


def test_healthy_35_year_old_with_3000_income_cannot_even_be_accepted_for_tekun(cases):
    application, _assessment = _tekun_application(cases, age=35, incomes=[("赵老汉", "wages", "3000")])
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(actor=cases.caseworker, application=application)
    assert "tekun.able_to_work" in exc.value.codes
    assert "tekun.source_of_living" in exc.value.codes
    assert "tekun.able_obligor" not in exc.value.codes
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_40_year_old_with_limb_disability_grade_2_meets_the_first_condition(cases):
    application, _assessment = _tekun_application(cases, age=40, disability_kind="limb", disability_grade=2)
    services.application_submit(actor=cases.caseworker, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_an_able_obligor_blocks_acceptance_and_an_unable_one_with_reason_does_not(cases):
    application, _assessment = _tekun_application(cases)
    son = services.obligor_add(
        actor=cases.caseworker, application=application, name="赵大", relation="child", can_support=True
    )
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(actor=cases.caseworker, application=application)
    assert exc.value.codes == ["tekun.able_obligor"]
    services.obligor_remove(actor=cases.caseworker, obligor=son)
    services.obligor_add(
        actor=cases.caseworker,
        application=application,
        name="赵大",
        relation="child",
        can_support=False,
        inability="dibao",
        note="本人为低保对象，无力赡养",
    )
    services.application_submit(actor=cases.caseworker, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_township_approval_checks_the_three_conditions_again_and_records_them(cases):
    application, _assessment = _tekun_application(cases)
    cases.to(ApplicationStatus.INVESTIGATING, application=application)
    # found during the investigation: a daughter able to support him
    daughter = services.obligor_add(
        actor=cases.caseworker, application=application, name="赵三", relation="child", can_support=True
    )
    cases.to(ApplicationStatus.TOWNSHIP_REVIEW, application=application)
    with pytest.raises(WorkflowError) as exc:
        services.application_township_approve(actor=cases.reviewer, application=application, opinion="同意")
    assert exc.value.codes == ["tekun.able_obligor"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.TOWNSHIP_REVIEW
    assert daughter.pk in set(application.obligors.values_list("pk", flat=True))


def test_township_approval_refuses_a_person_whose_income_reached_s(cases):
    application, assessment = _tekun_application(cases)
    services.application_submit(actor=cases.caseworker, application=application)
    assessment_services.income_add(
        actor=cases.caseworker,
        assessment=assessment,
        member=application.single_member,
        kind="wages",
        monthly_amount=D("480"),
    )
    cases.to(ApplicationStatus.TOWNSHIP_REVIEW, application=application)
    with pytest.raises(WorkflowError) as exc:
        services.application_township_approve(actor=cases.reviewer, application=application, opinion="同意")
    assert exc.value.codes == ["tekun.source_of_living"]


def test_eligible_tekun_case_stores_each_condition_with_its_evidence(cases):
    application, _assessment = _tekun_application(cases)
    services.obligor_add(
        actor=cases.caseworker,
        application=application,
        name="赵大",
        relation="child",
        can_support=False,
        inability="severe_disability",
    )
    cases.to(ApplicationStatus.PUBLIC_NOTICE, application=application)
    application.refresh_from_db()
    assert [c["code"] for c in application.eligibility] == [
        "tekun.able_to_work",
        "tekun.source_of_living",
        "tekun.able_obligor",
    ]
    assert all(c["met"] for c in application.eligibility)
    assert "重度残疾" in application.eligibility[2]["explanation"]


# Obligors: who may record them, and what ----------------------------------------------------


def test_obligor_recording_refuses_other_roles_townships_programmes_and_bad_input(cases, caseworker_chenqing):
    application, _assessment = _tekun_application(cases)
    add = {"application": application, "name": "赵大", "relation": "child", "can_support": True}
    with pytest.raises(NotAllowed):
        services.obligor_add(actor=cases.reviewer, **add)
    with pytest.raises(OutOfScope):
        services.obligor_add(actor=caseworker_chenqing, **add)
    with pytest.raises(InvalidInput) as exc:
        services.obligor_add(**{**add, "can_support": False}, actor=cases.caseworker)
    assert "inability" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        services.obligor_add(**{**add, "can_support": False, "inability": "other"}, actor=cases.caseworker)
    assert "note" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        services.obligor_add(**{**add, "name": "赵\u202e大"}, actor=cases.caseworker)
    assert "name" in exc.value.field_errors
    assert not application.obligors.exists()
    dibao = cases.draft()
    with pytest.raises(WorkflowError) as exc:
        services.obligor_add(**{**add, "application": dibao}, actor=cases.caseworker)
    assert exc.value.codes == ["obligor.not_tekun"]


def test_obligors_are_frozen_from_the_evaluation_on(cases):
    application, _assessment = _tekun_application(cases)
    obligor = services.obligor_add(
        actor=cases.caseworker, application=application, name="赵大", relation="child", can_support=False,
        inability="serious_illness",
    )  # fmt: skip
    cases.to(ApplicationStatus.EVALUATING, application=application)
    with pytest.raises(WorkflowError) as exc:
        services.obligor_remove(actor=cases.caseworker, obligor=obligor)
    assert exc.value.codes == ["obligor.closed"]
    assert Obligor.objects.filter(pk=obligor.pk).exists()


def test_caseworker_records_and_removes_an_obligor_on_the_case_page(cases, client):
    application, _assessment = _tekun_application(cases)
    client.force_login(cases.caseworker)
    response = client.post(
        f"/applications/{application.pk}/add_obligor/",
        {
            "add_obligor-name": "赵大",
            "add_obligor-relation": "child",
            "add_obligor-can_support": "0",
            "add_obligor-inability": "dibao",
            "add_obligor-note": "低保户",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/applications/{application.pk}/")
    assert "赵大" in page.content.decode()
    obligor = application.obligors.get()
    assert client.post(
        f"/applications/{application.pk}/remove_obligor/", {"remove_obligor-obligor": obligor.pk}
    ).status_code == 302  # fmt: skip
    assert not application.obligors.exists()


def test_bureau_sees_the_obligors_read_only_in_the_admin(cases, client, bureau_reviewer):
    application, _assessment = _tekun_application(cases)
    services.obligor_add(
        actor=cases.caseworker, application=application, name="赵大", relation="child", can_support=False,
        inability="dibao",
    )  # fmt: skip
    client.force_login(bureau_reviewer)
    response = client.get(f"/admin/benefits/application/{application.pk}/change/")
    assert response.status_code == 200
    assert "赵大" in response.content.decode()
    assert 'name="obligors-0-name"' not in response.content.decode()


# 单人保 through the services -------------------------------------------------------------------


def _single_case(cases, *, head_wages: str, person_income: str = "0"):
    """A two-person household (head and a seriously ill son) applying for 单人保 for the son."""
    head = member_data(name="钱大", relationship="head")
    son = member_data(name="钱小", relationship="son", serious_illness=True, illness_note="尿毒症")
    incomes = [("钱大", "wages", head_wages)]
    if D(person_income):
        incomes.append(("钱小", "other", person_income))
    household, _assessment = _household_with_assessment(cases, head=head, members=[son], incomes=incomes)
    return services.application_create(
        actor=cases.caseworker, household=household, programme="dibao", single_member=household.members.get(name="钱小")
    )


def test_single_person_at_exactly_s_per_capita_is_covered_alone_with_own_income(cases):
    # household income 960 = 2 × 480: per-capita exactly S; the son's own income 100 counts
    application = _single_case(cases, head_wages="860", person_income="100")
    cases.to(ApplicationStatus.PUBLIC_NOTICE, application=application)
    application.refresh_from_db()
    assert application.proposed_amount == D("380")
    assert "单人保" in application.amount_explanation
    assert application.notices.get().household_size == 1


def test_single_person_at_exactly_one_and_a_half_s_per_capita_is_refused(cases):
    application = _single_case(cases, head_wages="1440")  # per-capita 720 = 1.5 × 480
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(actor=cases.caseworker, application=application)
    assert exc.value.codes == ["single.not_marginal"]


def test_single_person_in_a_household_that_is_itself_eligible_is_refused(cases):
    application = _single_case(cases, head_wages="900")  # per-capita 450 < S: cover the whole household
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(actor=cases.caseworker, application=application)
    assert exc.value.codes == ["single.household_eligible"]


def test_single_person_checked_again_at_township_approval(cases):
    application = _single_case(cases, head_wages="1000")  # per-capita 500: marginal
    services.application_submit(actor=cases.caseworker, application=application)
    assessment = application.household.assessments.get()
    assessment_services.income_add(
        actor=cases.caseworker,
        assessment=assessment,
        member=application.household.members.get(name="钱大"),
        kind="farming",
        monthly_amount=D("500"),
    )  # now 1500 / 2 = 750 ≥ 720
    cases.to(ApplicationStatus.TOWNSHIP_REVIEW, application=application)
    with pytest.raises(WorkflowError) as exc:
        services.application_township_approve(actor=cases.reviewer, application=application, opinion="同意")
    assert exc.value.codes == ["single.not_marginal"]


# Not both: a 特困 person in a 低保 household ----------------------------------------------------


def _elder_family(cases):
    """A 72-year-old father without income living with his son's family (son's wages 600)."""
    head = member_data(name="孙大", relationship="head")
    members = [
        member_data(name="孙老", relationship="father", id_number=new_id_number(born=born(72))),
        member_data(name="孙小", relationship="son", id_number=new_id_number(born=born(8))),
    ]
    return _household_with_assessment(cases, head=head, members=members, incomes=[("孙大", "wages", "600")])


def _approve(cases, application):
    return cases.to(ApplicationStatus.APPROVED, application=application)


def test_tekun_person_in_a_dibao_household_is_not_counted_in_its_grant(cases):
    household, _assessment = _elder_family(cases)
    elder = household.members.get(name="孙老")
    tekun_case = services.application_create(
        actor=cases.caseworker, household=household, programme="tekun", single_member=elder
    )
    _approve(cases, tekun_case)
    # the family then applies for 低保: two persons counted, 480 × 2 − 600 = 360
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=today(), signatory="孙大", scan=scan()
    )
    dibao_case = services.application_create(actor=cases.caseworker, household=household, programme="dibao")
    dibao_case = cases.to(ApplicationStatus.PUBLIC_NOTICE, application=dibao_case)
    assert dibao_case.proposed_amount == D("360")
    assert "2 人" in dibao_case.amount_explanation
    assert dibao_case.notices.get().household_size == 2
    benefit = _approve(cases, dibao_case).benefit
    assert elder not in set(benefit.covered_members.all())
    assert benefit.covered_count == 2


def test_approving_tekun_for_a_member_of_a_dibao_household_takes_them_out_of_its_grant(cases):
    household, _assessment = _elder_family(cases)
    dibao = _approve(cases, services.application_create(actor=cases.caseworker, household=household, programme="dibao"))
    dibao = dibao.benefit
    assert dibao.monthly_amount == D("840")  # 480 × 3 − 600
    elder = household.members.get(name="孙老")
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=today(), signatory="孙老", scan=scan()
    )
    tekun_case = services.application_create(
        actor=cases.caseworker, household=household, programme="tekun", single_member=elder
    )
    tekun_benefit = _approve(cases, tekun_case).benefit
    dibao.refresh_from_db()
    assert dibao.monthly_amount == D("360")  # 480 × 2 − 600, the elder no longer counted
    assert elder not in set(dibao.covered_members.all())
    assert dibao.covered_count == 2
    change = BenefitChange.objects.exclude(kind=BenefitChange.Kind.GRANT).get(benefit=dibao)
    assert change.kind == BenefitChange.Kind.LOWER
    assert change.effective_month == tekun_benefit.start_month
    assert "孙老" in change.reason
    # at most one running 低保/特困 benefit per person
    running = Benefit.objects.filter(covered_members=elder, status__in=[BenefitStatus.ACTIVE])
    assert list(running) == [tekun_benefit]


def test_a_tekun_person_cannot_be_covered_by_a_second_tekun_or_by_dibao_alone(cases):
    household, _assessment = _elder_family(cases)
    elder = household.members.get(name="孙老")
    _approve(
        cases,
        services.application_create(
            actor=cases.caseworker, household=household, programme="tekun", single_member=elder
        ),
    )
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=today(), signatory="孙大", scan=scan()
    )
    single = services.application_create(
        actor=cases.caseworker, household=household, programme="dibao", single_member=elder
    )
    assert "not_both.tekun_supported" in services.eligibility_problems(single, assessment=assessment)[0].code


# Employment costs: one setting, per wage earner ------------------------------------------------


def _deduction(amount: str) -> None:
    PolicyLimits.objects.filter(year__lte=today().year).update(employment_deduction=D(amount))


def test_employment_cost_is_deducted_per_wage_earner_only(cases):
    _deduction("100")
    head = member_data(name="周大", relationship="head")
    wife = member_data(name="周妻", relationship="spouse", id_number=new_id_number(male=False))
    household, _assessment = _household_with_assessment(
        cases, head=head, members=[wife], incomes=[("周大", "wages", "300"), ("周妻", "farming", "200")]
    )
    application = services.application_create(actor=cases.caseworker, household=household, programme="dibao")
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE, application=application)
    # (300 − 100) + 200 = 400: 480 × 2 − 400 = 560; the farmer's income is not reduced
    assert application.proposed_amount == D("560")


def test_no_employment_cost_when_nobody_works(cases):
    _deduction("100")
    head = member_data(name="吴大", relationship="head")
    household, _assessment = _household_with_assessment(cases, head=head, incomes=[("吴大", "farming", "300")])
    application = services.application_create(actor=cases.caseworker, household=household, programme="dibao")
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE, application=application)
    assert application.proposed_amount == D("180")  # 480 − 300, nothing deducted
    assert not hasattr(Standard, "employment_cost_deduction")  # one setting, not two


# Thresholds are data ---------------------------------------------------------------------------


def test_the_ages_of_the_first_tekun_condition_are_the_standards(cases):
    Standard.objects.filter(programme="tekun").update(no_capacity_age_elderly=55)
    application, _assessment = _tekun_application(cases, age=56)
    services.application_submit(actor=cases.caseworker, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_the_marginal_factor_is_the_standards(cases):
    Standard.objects.filter(programme="dibao").update(marginal_income_factor=D("1.6"))
    application = _single_case(cases, head_wages="1440")  # 720 < 1.6 × 480 = 768
    services.application_submit(actor=cases.caseworker, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tekun_basic_factor", D("0.9")),
        ("marginal_income_factor", D("0.5")),
        ("no_capacity_age_elderly", 30),
        ("no_capacity_age_minor", 30),
        ("no_capacity_grade_limb", 5),
        ("addon_age_elderly", 20),
        ("spot_check_ratio", D("1.5")),
    ],
)
def test_thresholds_outside_their_range_are_field_errors(field, value):
    standard = Standard.objects.get(programme="dibao", year=today().year)
    setattr(standard, field, value)
    with pytest.raises(ValidationError) as exc:
        standard.full_clean()
    assert field in exc.value.message_dict
    assert Standard._meta.get_field(field).help_text


def test_tekun_basic_living_standard_uses_the_standards_factor(cases):
    Standard.objects.filter(programme="tekun").update(tekun_basic_factor=D("1.5"), tekun_basic=D("0"))
    application, _assessment = _tekun_application(cases)
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE, application=application)
    assert application.proposed_amount == D("720") + D("191")  # 1.5 × 480 + full self-care allowance


def test_an_elderly_couple_can_both_be_supported_as_tekun_but_neither_twice(cases):
    head = member_data(name="冯老汉", relationship="head", id_number=new_id_number(born=born(80)))
    wife = member_data(name="冯老太", relationship="spouse", id_number=new_id_number(born=born(78), male=False))
    household, _assessment = _household_with_assessment(cases, head=head, members=[wife])
    husband, spouse = household.members.get(name="冯老汉"), household.members.get(name="冯老太")
    # each the other's obligor, each unable (themselves elderly without income)
    first = services.application_create(
        actor=cases.caseworker, household=household, programme="tekun", single_member=husband
    )
    services.obligor_add(
        actor=cases.caseworker, application=first, name="冯老太", relation="spouse", can_support=False,
        inability="no_capacity",
    )  # fmt: skip
    _approve(cases, first)
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=today(), signatory="冯老太", scan=scan()
    )
    again = services.application_create(
        actor=cases.caseworker, household=household, programme="tekun", single_member=husband
    )
    with pytest.raises(WorkflowError) as exc:
        services.application_submit(actor=cases.caseworker, application=again)
    assert "not_both.already_tekun" in exc.value.codes
    services.application_withdraw(actor=cases.caseworker, application=again, comment="重复申请")
    second = services.application_create(
        actor=cases.caseworker, household=household, programme="tekun", single_member=spouse
    )
    services.obligor_add(
        actor=cases.caseworker, application=second, name="冯老汉", relation="spouse", can_support=False,
        inability="tekun",
    )  # fmt: skip
    _approve(cases, second)
    running = Benefit.objects.filter(household=household, programme="tekun", status=BenefitStatus.ACTIVE)
    assert running.count() == 2
    household.refresh_from_db()
    assert household.classification == "key"


def test_the_township_reviewer_sees_the_failed_condition_on_the_case_page(cases, client):
    application, _assessment = _tekun_application(cases)
    cases.to(ApplicationStatus.INVESTIGATING, application=application)
    services.obligor_add(
        actor=cases.caseworker, application=application, name="赵三", relation="child", can_support=True
    )
    cases.to(ApplicationStatus.TOWNSHIP_REVIEW, application=application)
    client.force_login(cases.reviewer)
    response = client.get(f"/applications/{application.pk}/")
    assert [p.code for p in response.context["problems"]] == ["tekun.able_obligor"]
    assert "赵三" in response.content.decode()

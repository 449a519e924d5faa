"""Demo data for medical and temporary assistance (seed_demo): claims of both kinds, one capped,
and temporary grants of both kinds, one above the township's limit, one for a 流动人员; 支出型 cases
through their whole procedure (one granted by the county, one in its public notice now)."""

import datetime
from decimal import Decimal

from households.models import Relationship
from sunwu_relief import clock

from ..medical.selectors import status_on
from ..medical.services import ClaimData, medical_claim_record
from ..models import Benefit, BenefitStatus, Programme
from ..temporary.services import (
    TemporaryData,
    temporary_assessment_record,
    temporary_case_create,
    temporary_county_approve,
    temporary_investigation_start,
    temporary_send_to_county,
    temporary_supplement_complete,
    temporary_township_approve,
    temporary_township_review,
)
from .cases import _clock


def _claim(self_pay: str, *, kind: str, day: datetime.date, number: str) -> ClaimData:
    pay = Decimal(self_pay)
    return ClaimData(
        hospital="孙吴县人民医院" if kind == "inpatient" else "孙吴镇卫生院",
        kind=kind,
        treated_on=day,
        discharged_on=day + datetime.timedelta(days=6) if kind == "inpatient" else None,
        total_cost=pay * 3,
        policy_cost=pay * 2,
        basic_insurance_paid=pay,
        critical_insurance_paid=Decimal("0"),
        self_pay=pay,
        settlement_number=number,
    )


def _covered_member(programme: str, today: datetime.date):
    for benefit in Benefit.objects.filter(programme=programme, status=BenefitStatus.ACTIVE).order_by("id"):
        for member in benefit.covered_members.all():
            day = max(benefit.start_month, today.replace(month=1, day=1)) + datetime.timedelta(days=4)
            if day + datetime.timedelta(days=6) <= today and status_on(member, day) is not None:
                return member, day
    return None, None


def seed_claims(*, caseworkers: dict) -> int:
    today = clock.today()
    made = 0
    plan = {
        Programme.DIBAO: [("3200", "inpatient"), ("260", "outpatient")],
        # The last one is above the yearly cap (50,000 by default): capped.
        Programme.TEKUN: [("480", "outpatient"), ("62000", "inpatient")],
    }
    for programme, claims in plan.items():
        member, day = _covered_member(programme, today)
        if member is None:
            continue
        actor = caseworkers[member.household.township_id]
        for index, (pay, kind) in enumerate(claims):
            number = f"YB{today:%Y}{programme[:2].upper()}{index + 1:04d}"
            medical_claim_record(actor=actor, member=member, data=_claim(pay, kind=kind, day=day, number=number))
            made += 1
    return made


def seed_temporary(*, households: list, caseworkers: dict, reviewers: dict, bureau) -> int:
    if not households:
        return 0
    first = households[0]
    township = first.township_id
    caseworker, reviewer = caseworkers[township], reviewers[township]
    head = first.members.get(relationship=Relationship.HEAD)
    fire = temporary_case_create(
        actor=caseworker,
        data=TemporaryData(
            kind="emergency",
            cause="accident",
            circumstances="夜间房屋失火，衣物被褥烧毁",
            amount=Decimal("800"),
            emergency_grant=True,
            member=head,
        ),
    )
    temporary_township_approve(actor=reviewer, case=fire, opinion="情况紧急，先行救助")
    temporary_supplement_complete(actor=caseworker, case=fire, note="已补齐申请书、入户调查记录并公示")
    traveller = temporary_case_create(
        actor=caseworker,
        data=TemporaryData(
            kind="emergency",
            cause="illness",
            circumstances="外地务工途中突发急病，无力支付返乡路费",
            amount=Decimal("300"),
            form="in_kind",
            in_kind="返乡车票一张、餐食",
            emergency_grant=True,
            person_name="流动人员张某",
            person_origin="黑龙江省黑河市爱辉区",
        ),
    )
    temporary_township_approve(actor=reviewer, case=traveller, opinion="先行救助，补办手续")
    cases = 2
    spenders = [h for h in households[1:] if h.township_id == township][:2]
    for index, household in enumerate(spenders):
        # Investigated and reviewed some weeks ago (then sent to the county and granted), or this
        # week (its public notice still open).
        _spending_case(
            household=household,
            caseworker=caseworker,
            reviewer=reviewer,
            bureau=bureau,
            started=clock.today() - datetime.timedelta(days=20 if index == 0 else 2),
            decide=index == 0,
        )
        cases += 1
    return cases


def _spending_case(*, household, caseworker, reviewer, bureau, started: datetime.date, decide: bool) -> None:
    with _clock(started):
        case = temporary_case_create(
            actor=caseworker,
            data=TemporaryData(
                kind="expenditure",
                cause="spending",
                circumstances="子女上学及医疗刚性支出超出家庭承受能力",
                amount=Decimal("3000") if decide else Decimal("800"),
                member=household.members.get(relationship=Relationship.HEAD),
            ),
        )
        temporary_investigation_start(actor=caseworker, case=case)
        temporary_assessment_record(
            actor=caseworker,
            case=case,
            visited_on=started,
            investigators="王建国、李秀梅",
            spending=Decimal("9000"),
            covered=Decimal("4000"),
            own_means=Decimal("1500"),
            findings="入户核实：住院及学杂费票据齐全，家庭存款不足以负担",
        )
        case = temporary_township_review(actor=reviewer, case=case, opinion="情况属实，拟予临时救助")
    if not decide:
        return
    with _clock(case.notice_ends_on + datetime.timedelta(days=1)):
        temporary_send_to_county(actor=reviewer, case=case, opinion="公示无异议，超过乡镇审批限额，报县审批")
        temporary_county_approve(actor=bureau, case=case, opinion="同意")

"""临时救助: an emergency grant 先行救助 by the township within its limit, the county above it, the
remaining steps 补办 due and overdue, cash or in kind, and a person from outside the county."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits.models import Standard, WrittenNotice
from benefits.selectors import working_day_deadline
from benefits.temporary.models import TemporaryCase, TemporaryPayment
from benefits.temporary.selectors import awaiting_county, supplements_due
from benefits.temporary.services import (
    TemporaryData,
    temporary_case_create,
    temporary_county_approve,
    temporary_reject,
    temporary_send_to_county,
    temporary_supplement_complete,
    temporary_township_approve,
)
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from tests.conftest import new_id_number

pytestmark = pytest.mark.django_db
D = Decimal


def emergency(member=None, *, amount="800", **overrides) -> TemporaryData:
    data = {
        "kind": "emergency",
        "cause": "accident",
        "circumstances": "房屋失火，衣物被褥全部烧毁",
        "amount": D(amount),
        "emergency_grant": True,
        "member": member,
    }
    data.update(overrides)
    return TemporaryData(**data)


@pytest.fixture
def head(household_sunwu):
    return household_sunwu.members.get(relationship="head")


def test_an_emergency_grant_the_same_day_and_the_paperwork_afterwards(head, caseworker_sunwu, reviewer_sunwu, clock):
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head))
    granted = temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="情况紧急，先行救助")
    today = timezone.localdate()
    assert granted.status == "granted"
    assert granted.decided_level == "township"
    assert granted.supplement_due == working_day_deadline(today, 5)
    assert "在乡镇审批限额 1000 元以内" in granted.explanation
    assert TemporaryPayment.objects.get(case=case).amount == D("800.00")
    notice = WrittenNotice.objects.get(household=head.household, kind="approval")
    assert "800" in notice.body
    [due] = supplements_due(reviewer_sunwu, on=today)
    assert not due.overdue
    done = temporary_supplement_complete(actor=caseworker_sunwu, case=case, note="补齐申请书、入户调查记录、公示")
    assert done.supplement_completed_on == today
    assert supplements_due(reviewer_sunwu, on=today) == []
    with pytest.raises(WorkflowError) as exc:  # twice
        temporary_supplement_complete(actor=caseworker_sunwu, case=case, note="再次")
    assert "temporary.supplement_done" in exc.value.codes


def test_an_unfinished_supplement_past_its_deadline_is_listed(
    head, caseworker_sunwu, reviewer_sunwu, bureau_reviewer, clock
):
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head))
    temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    case.refresh_from_db()
    clock.move_to(case.supplement_due + datetime.timedelta(days=1))
    later = case.supplement_due + datetime.timedelta(days=1)
    [due] = supplements_due(bureau_reviewer, on=later)
    assert due.case == case
    assert due.overdue


def test_above_the_township_limit_the_township_is_refused_and_the_county_decides(
    head, caseworker_sunwu, reviewer_sunwu, bureau_reviewer
):
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, amount="3000"))
    with pytest.raises(WorkflowError) as exc:
        temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "temporary.above_township_limit" in exc.value.codes
    case.refresh_from_db()
    assert case.status == "submitted"
    assert not TemporaryPayment.objects.exists()
    temporary_send_to_county(actor=reviewer_sunwu, case=case, opinion="超过乡镇审批限额，报县审批")
    assert list(awaiting_county(bureau_reviewer)) == [case]
    with pytest.raises(NotAllowed):
        temporary_county_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    granted = temporary_county_approve(actor=bureau_reviewer, case=case, opinion="同意")
    assert granted.decided_level == "county"
    assert "超过乡镇审批限额 1000 元，由县民政局审批" in granted.explanation
    assert TemporaryPayment.objects.get(case=case).amount == D("3000.00")


def test_within_the_limit_the_township_decides_itself(head, caseworker_sunwu, reviewer_sunwu):
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, amount="500"))
    with pytest.raises(WorkflowError) as exc:
        temporary_send_to_county(actor=reviewer_sunwu, case=case, opinion="报县")
    assert "temporary.within_township_limit" in exc.value.codes


def test_the_cap_and_the_limit_are_data(head, caseworker_sunwu, reviewer_sunwu):
    # 10 × 480 = 4800 by default.
    with pytest.raises(WorkflowError) as exc:
        temporary_case_create(actor=caseworker_sunwu, data=emergency(head, amount="4800.01"))
    assert "temporary.above_cap" in exc.value.codes
    Standard.objects.filter(programme="temporary").update(temporary_township_limit=D("5000"))
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head, amount="4800"))
    assert temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意").status == "granted"


def test_in_kind_owes_no_payment_and_says_what_was_given(head, caseworker_sunwu, reviewer_sunwu):
    with pytest.raises(WorkflowError) as exc:
        temporary_case_create(actor=caseworker_sunwu, data=emergency(head, form="in_kind"))
    assert "temporary.in_kind_missing" in exc.value.codes
    case = temporary_case_create(
        actor=caseworker_sunwu, data=emergency(head, form="in_kind", in_kind="棉被 2 床、米面油")
    )
    granted = temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "实物：棉被 2 床、米面油" in granted.explanation
    assert not TemporaryPayment.objects.exists()


def test_a_person_from_outside_the_county_is_recorded_with_what_is_known(caseworker_sunwu, reviewer_sunwu):
    number = new_id_number(born="19900101")
    data = emergency(
        person_name="外地务工人员李某", person_id_number=number, person_origin="黑龙江省黑河市", amount="300"
    )
    case = temporary_case_create(actor=caseworker_sunwu, data=data)
    assert case.transient
    assert case.township_id == caseworker_sunwu.staff_profile.township_id
    granted = temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "外地务工人员李某" in granted.notice_body
    assert TemporaryPayment.objects.get(case=case).payee_id_number == number
    assert not WrittenNotice.objects.exists()  # no household to file it with: it is on the case
    nameless = emergency(person_name=" ")
    with pytest.raises(WorkflowError) as exc:
        temporary_case_create(actor=caseworker_sunwu, data=nameless)
    assert "temporary.person_missing" in exc.value.codes
    with pytest.raises(InvalidInput):
        temporary_case_create(actor=caseworker_sunwu, data=emergency(person_name="张三", person_id_number="123"))


def test_spending_cases_are_not_granted_first_and_refusals_give_reasons(head, caseworker_sunwu, reviewer_sunwu):
    spending = emergency(head, kind="expenditure", cause="spending")
    with pytest.raises(WorkflowError) as exc:
        temporary_case_create(actor=caseworker_sunwu, data=spending)
    assert "temporary.emergency_only" in exc.value.codes
    case = temporary_case_create(
        actor=caseworker_sunwu, data=emergency(head, kind="expenditure", cause="spending", emergency_grant=False)
    )
    with pytest.raises(InvalidInput):
        temporary_reject(actor=reviewer_sunwu, case=case, reason=" ")
    refused = temporary_reject(actor=reviewer_sunwu, case=case, reason="家庭收入足以负担")
    assert refused.status == "rejected"
    assert WrittenNotice.objects.get(kind="rejection").body.endswith("家庭收入足以负担")
    with pytest.raises(WorkflowError) as exc:
        temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "temporary.not_open" in exc.value.codes


def test_roles_and_townships(head, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, bureau_reviewer):
    with pytest.raises(NotAllowed):
        temporary_case_create(actor=reviewer_sunwu, data=emergency(head))
    with pytest.raises(OutOfScope):
        temporary_case_create(actor=caseworker_chenqing, data=emergency(head))
    case = temporary_case_create(actor=caseworker_sunwu, data=emergency(head))
    with pytest.raises(NotAllowed):
        temporary_township_approve(actor=caseworker_sunwu, case=case, opinion="同意")
    with pytest.raises(OutOfScope):
        temporary_supplement_complete(actor=caseworker_chenqing, case=case, note="补办")
    with pytest.raises(NotAllowed):
        temporary_township_approve(actor=bureau_reviewer, case=case, opinion="同意")
    assert TemporaryCase.objects.get().status == "submitted"

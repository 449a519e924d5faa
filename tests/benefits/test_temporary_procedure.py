"""支出型 临时救助 through its normal steps: accepted, the household's means investigated by two
staff, the township's review, the public notice, then the decision (township within its limit,
county above it), with the written notice, the timeline and the audit trail; steps skipped, the
wrong role, another township and a double submit refused or harmless."""

import datetime
from decimal import Decimal

import pytest

from benefits.models import WrittenNotice
from benefits.temporary.models import TemporaryPayment
from benefits.temporary.services import (
    TemporaryData,
    temporary_assessment_record,
    temporary_case_create,
    temporary_county_approve,
    temporary_investigation_start,
    temporary_objection_uphold,
    temporary_reject,
    temporary_send_to_county,
    temporary_township_approve,
    temporary_township_review,
)
from sunwu_relief import clock as system_clock
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from sunwu_relief.models import AuditEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def head(household_sunwu):
    return household_sunwu.members.get(relationship="head")


def spending(member, amount="800") -> TemporaryData:
    return TemporaryData(
        kind="expenditure",
        cause="spending",
        circumstances="子女住院，医疗费用超出家庭承受能力",
        amount=D(amount),
        member=member,
    )


def assess(case, actor, **overrides):
    values = {
        "visited_on": system_clock.today(),
        "investigators": "王建国、李秀梅",
        "spending": D("9000"),
        "covered": D("4000"),
        "own_means": D("1500"),
        "findings": "入户核实，票据齐全",
    }
    values.update(overrides)
    return temporary_assessment_record(actor=actor, case=case, **values)


def reviewed(head, caseworker, reviewer, amount="800"):
    case = temporary_case_create(actor=caseworker, data=spending(head, amount))
    temporary_investigation_start(actor=caseworker, case=case)
    assess(case, caseworker)
    return temporary_township_review(actor=reviewer, case=case, opinion="情况属实")


def after_notice(case, clock):
    clock.move_to(case.notice_ends_on + datetime.timedelta(days=1))


def test_a_spending_case_goes_through_every_step_to_the_township_grant(head, caseworker_sunwu, reviewer_sunwu, clock):
    case = temporary_case_create(actor=caseworker_sunwu, data=spending(head))
    assert case.status == "submitted"
    assert temporary_investigation_start(actor=caseworker_sunwu, case=case).status == "investigating"
    assessment = assess(case, caseworker_sunwu)
    assert assessment.beyond_means == D("3500.00")
    case.refresh_from_db()
    assert case.status == "township_review"
    case = temporary_township_review(actor=reviewer_sunwu, case=case, opinion="情况属实", amount=D("900"))
    assert case.status == "public_notice"
    assert case.amount == D("900")
    assert case.notice_ends_on == case.notice_starts_on + datetime.timedelta(days=7)
    with pytest.raises(WorkflowError) as exc:  # the notice is still running
        temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "temporary.notice_running" in exc.value.codes
    after_notice(case, clock)
    granted = temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="公示无异议，同意")
    assert granted.status == "granted"
    assert granted.decided_level == "township"
    assert granted.supplement_due is None  # no 补办: the steps were taken first
    assert TemporaryPayment.objects.get(case=case).amount == D("900.00")
    notice = WrittenNotice.objects.get(household=head.household, kind="approval")
    assert granted.written_notice == notice
    assert "900" in notice.body
    steps = list(granted.steps.values_list("action", "from_status", "to_status", "actor__username"))
    assert steps == [
        ("create", "", "submitted", "cw_sunwu"),
        ("start_investigation", "submitted", "investigating", "cw_sunwu"),
        ("finish_investigation", "investigating", "township_review", "cw_sunwu"),
        ("township_review", "township_review", "public_notice", "tr_sunwu"),
        ("township_approve", "public_notice", "granted", "tr_sunwu"),
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="benefits.temporarycase", object_id=str(case.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [f"temporary.{a}" for a, *_rest in steps]


def test_above_the_township_limit_a_spending_case_goes_to_the_county_after_its_notice(
    head, caseworker_sunwu, reviewer_sunwu, bureau_reviewer, clock
):
    case = reviewed(head, caseworker_sunwu, reviewer_sunwu, amount="3000")
    after_notice(case, clock)
    with pytest.raises(WorkflowError) as exc:
        temporary_township_approve(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "temporary.above_township_limit" in exc.value.codes
    case = temporary_send_to_county(actor=reviewer_sunwu, case=case, opinion="报县审批")
    assert case.status == "county_review"
    granted = temporary_county_approve(actor=bureau_reviewer, case=case, opinion="同意")
    assert granted.decided_level == "county"
    assert TemporaryPayment.objects.get(case=case).amount == D("3000.00")


def test_no_step_can_be_skipped(head, caseworker_sunwu, reviewer_sunwu):
    case = temporary_case_create(actor=caseworker_sunwu, data=spending(head))
    for service in (temporary_township_approve, temporary_send_to_county):
        with pytest.raises(WorkflowError) as exc:
            service(actor=reviewer_sunwu, case=case, opinion="同意")
        assert "temporary.not_open" in exc.value.codes
    with pytest.raises(WorkflowError) as exc:
        temporary_township_review(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "temporary.step_not_allowed" in exc.value.codes
    with pytest.raises(WorkflowError) as exc:
        assess(case, caseworker_sunwu)
    assert "temporary.step_not_allowed" in exc.value.codes
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.steps.count() == 1


def test_the_means_assessment_needs_two_investigators_and_a_real_visit_date(head, caseworker_sunwu):
    case = temporary_case_create(actor=caseworker_sunwu, data=spending(head))
    temporary_investigation_start(actor=caseworker_sunwu, case=case)
    with pytest.raises(WorkflowError) as exc:
        assess(case, caseworker_sunwu, investigators="王建国")
    assert "temporary.two_investigators" in exc.value.codes
    with pytest.raises(WorkflowError) as exc:
        assess(case, caseworker_sunwu, visited_on=system_clock.today() + datetime.timedelta(days=1))
    assert "temporary.bad_visit_date" in exc.value.codes
    with pytest.raises(InvalidInput) as invalid:
        assess(case, caseworker_sunwu, spending="-1")
    assert "spending" in invalid.value.field_errors
    case.refresh_from_db()
    assert case.status == "investigating"
    assert not case.assessments.exists()


def test_the_township_review_holds_the_amount_to_the_spending_beyond_means(head, caseworker_sunwu, reviewer_sunwu):
    case = temporary_case_create(actor=caseworker_sunwu, data=spending(head))
    temporary_investigation_start(actor=caseworker_sunwu, case=case)
    assess(case, caseworker_sunwu, own_means=D("4500"))  # 9000 − 4000 − 4500 = 500 beyond means
    with pytest.raises(WorkflowError) as exc:
        temporary_township_review(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "temporary.above_need" in exc.value.codes
    assert temporary_township_review(actor=reviewer_sunwu, case=case, opinion="同意", amount="500").amount == D("500")


def test_spending_within_the_households_means_is_refused_with_the_written_notice(
    head, caseworker_sunwu, reviewer_sunwu
):
    case = temporary_case_create(actor=caseworker_sunwu, data=spending(head))
    temporary_investigation_start(actor=caseworker_sunwu, case=case)
    assess(case, caseworker_sunwu, own_means=D("6000"))
    with pytest.raises(WorkflowError) as exc:
        temporary_township_review(actor=reviewer_sunwu, case=case, opinion="同意")
    assert "temporary.within_means" in exc.value.codes
    refused = temporary_reject(actor=reviewer_sunwu, case=case, reason="家庭可自行负担")
    assert refused.status == "rejected"
    assert refused.written_notice.kind == "rejection"
    assert not TemporaryPayment.objects.exists()


def test_an_upheld_objection_sends_the_case_back_to_a_new_investigation_and_notice(
    head, caseworker_sunwu, reviewer_sunwu, clock
):
    case = reviewed(head, caseworker_sunwu, reviewer_sunwu)
    case = temporary_objection_uphold(actor=reviewer_sunwu, case=case, reason="群众反映家庭有经营收入")
    assert case.status == "investigating"
    assert case.notice_ends_on is None
    assess(case, caseworker_sunwu, own_means=D("2000"))
    case.refresh_from_db()
    case = temporary_township_review(actor=reviewer_sunwu, case=case, opinion="重新调查属实")
    assert case.status == "public_notice"
    assert case.assessments.count() == 2


def test_wrong_roles_and_other_townships_are_refused(
    head, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, bureau_reviewer, township_chenqing
):
    reviewer_chenqing = make_user("tr_chenqing", "township_reviewer", township_chenqing)
    case = temporary_case_create(actor=caseworker_sunwu, data=spending(head))
    with pytest.raises(NotAllowed):
        temporary_investigation_start(actor=reviewer_sunwu, case=case)
    with pytest.raises(OutOfScope):
        temporary_investigation_start(actor=caseworker_chenqing, case=case)
    with pytest.raises(NotAllowed):
        temporary_investigation_start(actor=bureau_reviewer, case=case)
    temporary_investigation_start(actor=caseworker_sunwu, case=case)
    with pytest.raises(NotAllowed):
        assess(case, reviewer_sunwu)
    with pytest.raises(OutOfScope):
        assess(case, caseworker_chenqing)
    assess(case, caseworker_sunwu)
    with pytest.raises(NotAllowed):
        temporary_township_review(actor=caseworker_sunwu, case=case, opinion="同意")
    with pytest.raises(OutOfScope):
        temporary_township_review(actor=reviewer_chenqing, case=case, opinion="同意")
    with pytest.raises(NotAllowed):
        temporary_township_review(actor=bureau_reviewer, case=case, opinion="同意")
    with pytest.raises(OutOfScope):
        temporary_reject(actor=reviewer_chenqing, case=case, reason="不符合")
    case.refresh_from_db()
    assert case.status == "township_review"


def test_a_double_submit_changes_nothing_the_second_time(
    head, caseworker_sunwu, reviewer_sunwu, bureau_reviewer, clock
):
    case = temporary_case_create(actor=caseworker_sunwu, data=spending(head, "3000"))
    temporary_investigation_start(actor=caseworker_sunwu, case=case)
    temporary_investigation_start(actor=caseworker_sunwu, case=case)
    assess(case, caseworker_sunwu)
    with pytest.raises(WorkflowError):  # a second assessment is no double submit: the step is past
        assess(case, caseworker_sunwu)
    temporary_township_review(actor=reviewer_sunwu, case=case, opinion="属实")
    case = temporary_township_review(actor=reviewer_sunwu, case=case, opinion="属实")
    after_notice(case, clock)
    temporary_send_to_county(actor=reviewer_sunwu, case=case, opinion="报县")
    temporary_send_to_county(actor=reviewer_sunwu, case=case, opinion="报县")
    temporary_county_approve(actor=bureau_reviewer, case=case, opinion="同意")
    temporary_county_approve(actor=bureau_reviewer, case=case, opinion="同意")
    assert TemporaryPayment.objects.filter(case=case).count() == 1
    assert WrittenNotice.objects.filter(household=head.household).count() == 1
    actions = list(case.steps.values_list("action", flat=True))
    assert actions == [
        "create",
        "start_investigation",
        "finish_investigation",
        "township_review",
        "send_to_county",
        "county_approve",
    ]
    with pytest.raises(WorkflowError) as exc:  # a refusal after the grant
        temporary_reject(actor=bureau_reviewer, case=case, reason="不符合")
    assert "temporary.not_open" in exc.value.codes


def test_the_county_decides_with_the_assessment_and_the_notice_in_view(
    client, head, caseworker_sunwu, reviewer_sunwu, bureau_reviewer, clock
):
    case = reviewed(head, caseworker_sunwu, reviewer_sunwu, amount="3000")
    after_notice(case, clock)
    temporary_send_to_county(actor=reviewer_sunwu, case=case, opinion="报县审批")
    client.force_login(bureau_reviewer)
    url = f"/admin/benefits/temporarycase/{case.pk}/decide/"
    page = client.get(url).content.decode()
    assert 'data-testid="assessment"' in page
    assert "3500.00" in page
    client.post(url, {"decision": "approve", "opinion": "同意", "late_reason": ""})
    case.refresh_from_db()
    assert case.status == "granted"
    assert case.decided_level == "county"

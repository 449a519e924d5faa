"""一门受理: a request registered with its receipt number, turned into an application (the number
kept on the case), referred to another department with the answer due in working days (overdue
from the working day after), answered, or closed with its reason; wrong role, other township and
double submits refused or harmless."""

import datetime

import pytest

from benefits.intake.models import Department, IntakeRequest, Referral
from benefits.intake.selectors import (
    intake_requests_for,
    open_referrals,
    overdue_referrals_by_township,
    referral_state,
)
from benefits.intake.services import (
    IntakeData,
    department_save,
    intake_close,
    intake_link_member,
    intake_refer,
    intake_register,
    intake_to_application,
    referral_answer,
)
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError

pytestmark = pytest.mark.django_db


def request_for(member=None, **overrides) -> IntakeData:
    values = {
        "channel": "in_person",
        "kind": "dibao",
        "requester_name": "王大山",
        "requester_relation": "本人",
        "request": "家中两人患病，无力维持基本生活，申请低保",
        "member": member,
        "person_name": "" if member else "赵秀兰",
    }
    values.update(overrides)
    return IntakeData(**values)


@pytest.fixture
def head(household_sunwu):
    return household_sunwu.members.get(relationship="head")


@pytest.fixture
def education():
    return Department.objects.get(code="education")


def test_receipt_numbers_run_per_township_and_year(caseworker_sunwu, caseworker_chenqing, township_sunwu, clock):
    clock.move_to(datetime.date(2026, 3, 2))
    first = intake_register(actor=caseworker_sunwu, data=request_for())
    second = intake_register(actor=caseworker_sunwu, data=request_for(person_name="孙立平"))
    other = intake_register(actor=caseworker_chenqing, data=request_for())
    assert first.receipt_number == f"{township_sunwu.code}-2026-0001"
    assert second.receipt_number == f"{township_sunwu.code}-2026-0002"
    assert other.receipt_number.endswith("-2026-0001")
    assert other.township_id != first.township_id
    clock.move_to(datetime.date(2027, 1, 4))
    assert intake_register(actor=caseworker_sunwu, data=request_for()).receipt_number.endswith("-2027-0001")
    assert first.status == "open"
    assert first.received_on == datetime.date(2026, 3, 2)


def test_the_same_request_twice_on_one_day_is_refused(caseworker_sunwu):
    intake_register(actor=caseworker_sunwu, data=request_for())
    with pytest.raises(WorkflowError) as exc:
        intake_register(actor=caseworker_sunwu, data=request_for())
    assert exc.value.codes == ["intake.duplicate"]
    assert IntakeRequest.objects.count() == 1


def test_register_refuses_other_roles_other_townships_and_bad_input(
    caseworker_sunwu, reviewer_sunwu, bureau_reviewer, caseworker_chenqing, head
):
    for actor in (reviewer_sunwu, bureau_reviewer):
        with pytest.raises(NotAllowed):
            intake_register(actor=actor, data=request_for())
    with pytest.raises(OutOfScope):  # a member of another township
        intake_register(actor=caseworker_chenqing, data=request_for(head))
    with pytest.raises(InvalidInput) as exc:
        intake_register(actor=caseworker_sunwu, data=request_for(person_name="", request=" ", kind="x"))
    assert set(exc.value.field_errors) == {"person_name", "request", "kind"}
    with pytest.raises(InvalidInput):
        intake_register(actor=caseworker_sunwu, data=request_for(requester_name="王\u202e大山"))
    assert IntakeRequest.objects.count() == 0


def test_an_intake_that_becomes_an_application_keeps_its_receipt_number_on_the_case(caseworker_sunwu, head):
    intake = intake_register(actor=caseworker_sunwu, data=request_for(head))
    application = intake_to_application(actor=caseworker_sunwu, intake=intake, programme="dibao")
    assert application.household == head.household
    assert application.programme == "dibao"
    assert application.status == "draft"
    assert application.intake_request.receipt_number == intake.receipt_number
    assert intake.receipt_number in application.reason
    intake.refresh_from_db()
    assert intake.status == "application"
    assert intake.application == application
    # A double submit gives the same application, not a second one.
    assert intake_to_application(actor=caseworker_sunwu, intake=intake, programme="dibao") == application
    with pytest.raises(WorkflowError) as exc:
        intake_to_application(actor=caseworker_sunwu, intake=intake, programme="tekun")
    assert exc.value.codes == ["intake.not_open"]


def test_a_tekun_application_is_for_the_person(caseworker_sunwu, head):
    intake = intake_register(actor=caseworker_sunwu, data=request_for(head, kind="tekun"))
    application = intake_to_application(actor=caseworker_sunwu, intake=intake, programme="tekun")
    assert application.single_member == head


def test_an_application_needs_the_household_first(caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, head):
    intake = intake_register(actor=caseworker_sunwu, data=request_for())
    with pytest.raises(WorkflowError) as exc:
        intake_to_application(actor=caseworker_sunwu, intake=intake, programme="dibao")
    assert exc.value.codes == ["intake.no_household"]
    with pytest.raises(InvalidInput):
        intake_to_application(actor=caseworker_sunwu, intake=intake, programme="medical")
    with pytest.raises(OutOfScope):
        intake_to_application(actor=caseworker_chenqing, intake=intake, programme="dibao")
    with pytest.raises(NotAllowed):
        intake_to_application(actor=reviewer_sunwu, intake=intake, programme="dibao")
    intake_link_member(actor=caseworker_sunwu, intake=intake, member=head)
    assert intake_to_application(actor=caseworker_sunwu, intake=intake, programme="dibao").household == head.household


def test_a_referral_is_overdue_from_the_working_day_after_its_due_day(caseworker_sunwu, reviewer_sunwu, clock):
    department = Department.objects.get(code="medical_insurance")
    department.answer_days = 3
    department.save()
    clock.move_to(datetime.date(2026, 9, 23))  # a Wednesday; Friday the 25th is 中秋节
    intake = intake_register(actor=caseworker_sunwu, data=request_for(kind="medical"))
    referral = intake_refer(actor=caseworker_sunwu, intake=intake, department=department, handed_over="住院发票三张")
    # Thursday 24th, (holiday, weekend), Monday 28th, Tuesday 29th.
    assert referral.due_on == datetime.date(2026, 9, 29)
    assert referral.answer_days == 3
    assert not referral_state(referral, on=datetime.date(2026, 9, 29)).overdue
    assert referral_state(referral, on=datetime.date(2026, 9, 30)).overdue
    [state] = open_referrals(reviewer_sunwu, on=datetime.date(2026, 9, 30), overdue_only=True)
    assert state.referral == referral
    assert open_referrals(reviewer_sunwu, on=datetime.date(2026, 9, 29), overdue_only=True) == []
    # A later change of the department's period does not move a referral made before.
    department.answer_days = 20
    department.save()
    referral.refresh_from_db()
    assert referral.due_on == datetime.date(2026, 9, 29)


def test_a_make_up_working_day_counts(caseworker_sunwu, clock):
    department = Department.objects.get(code="housing")
    department.answer_days = 1
    department.save()
    clock.move_to(datetime.date(2026, 10, 9))  # Friday; Saturday 10 October is worked (调休)
    intake = intake_register(actor=caseworker_sunwu, data=request_for(kind="housing"))
    referral = intake_refer(actor=caseworker_sunwu, intake=intake, department=department, handed_over="房屋照片")
    assert referral.due_on == datetime.date(2026, 10, 10)


def test_overdue_referrals_are_counted_per_township(
    caseworker_sunwu, caseworker_chenqing, bureau_reviewer, education, township_sunwu, clock
):
    clock.move_to(datetime.date(2026, 3, 2))
    for actor in (caseworker_sunwu, caseworker_chenqing):
        intake = intake_register(actor=actor, data=request_for(kind="education"))
        intake_refer(actor=actor, intake=intake, department=education, handed_over="学籍证明")
    later = datetime.date(2026, 6, 1)
    counts = dict(overdue_referrals_by_township(bureau_reviewer, on=later))
    assert sum(counts.values()) == 2
    assert counts[township_sunwu] == 1
    assert [t for t, _n in overdue_referrals_by_township(caseworker_sunwu, on=later)] == [township_sunwu]


def test_the_departments_answer_closes_the_referral(caseworker_sunwu, reviewer_sunwu, education, clock):
    clock.move_to(datetime.date(2026, 3, 2))
    intake = intake_register(actor=caseworker_sunwu, data=request_for(kind="education"))
    referral = intake_refer(actor=caseworker_sunwu, intake=intake, department=education, handed_over="学籍证明")
    assert intake_refer(actor=caseworker_sunwu, intake=intake, department=education, handed_over="再次") == referral
    clock.move_to(datetime.date(2026, 3, 30))
    with pytest.raises(InvalidInput):  # an answer dated after today
        referral_answer(
            actor=reviewer_sunwu,
            referral=referral,
            outcome="handled",
            answer="x",
            answered_on=datetime.date(2026, 3, 31),
        )
    answered = referral_answer(actor=reviewer_sunwu, referral=referral, outcome="handled", answer="已纳入雨露计划资助")
    assert answered.answered_on == datetime.date(2026, 3, 30)
    assert referral_state(answered, on=datetime.date(2026, 4, 30)).answered_late
    assert not referral_state(answered, on=datetime.date(2026, 4, 30)).overdue
    intake.refresh_from_db()
    assert intake.status == "answered"
    # The same answer twice is harmless; another one is refused.
    assert referral_answer(actor=reviewer_sunwu, referral=referral, outcome="handled", answer="已纳入雨露计划资助")
    with pytest.raises(WorkflowError) as exc:
        referral_answer(actor=reviewer_sunwu, referral=referral, outcome="declined", answer="不符合")
    assert exc.value.codes == ["referral.answered"]


def test_referral_refused_for_other_townships_roles_and_handled_requests(
    caseworker_sunwu, caseworker_chenqing, bureau_reviewer, education, head
):
    intake = intake_register(actor=caseworker_sunwu, data=request_for(head))
    with pytest.raises(OutOfScope):
        intake_refer(actor=caseworker_chenqing, intake=intake, department=education, handed_over="材料")
    with pytest.raises(NotAllowed):
        intake_refer(actor=bureau_reviewer, intake=intake, department=education, handed_over="材料")
    with pytest.raises(InvalidInput):
        intake_refer(actor=caseworker_sunwu, intake=intake, department=education, handed_over=" ")
    intake_to_application(actor=caseworker_sunwu, intake=intake, programme="dibao")
    with pytest.raises(WorkflowError) as exc:
        intake_refer(actor=caseworker_sunwu, intake=intake, department=education, handed_over="材料")
    assert exc.value.codes == ["intake.not_open"]
    referral = Referral.objects.filter(intake=intake).first()
    assert referral is None


def test_a_request_that_becomes_nothing_keeps_its_reason(caseworker_sunwu, reviewer_sunwu, caseworker_chenqing):
    intake = intake_register(actor=caseworker_sunwu, data=request_for(kind="other"))
    with pytest.raises(InvalidInput):
        intake_close(actor=reviewer_sunwu, intake=intake, reason_code="answered_at_desk", note="")
    with pytest.raises(OutOfScope):
        intake_close(actor=caseworker_chenqing, intake=intake, reason_code="answered_at_desk", note="已解答")
    closed = intake_close(actor=reviewer_sunwu, intake=intake, reason_code="answered_at_desk", note="已当场解答政策")
    assert closed.status == "closed"
    assert closed.close_reason == "answered_at_desk"
    assert intake_close(actor=reviewer_sunwu, intake=intake, reason_code="answered_at_desk", note="再次") == closed
    with pytest.raises(WorkflowError):
        intake_close(actor=reviewer_sunwu, intake=intake, reason_code="withdrawn", note="撤回")


def test_requests_are_seen_in_their_township_only(caseworker_sunwu, caseworker_chenqing, auditor, stranger):
    intake = intake_register(actor=caseworker_sunwu, data=request_for())
    assert list(intake_requests_for(caseworker_sunwu)) == [intake]
    assert list(intake_requests_for(caseworker_chenqing)) == []
    assert list(intake_requests_for(auditor)) == [intake]
    assert list(intake_requests_for(stranger)) == []


def test_the_department_list_is_the_bureaus_data(bureau_reviewer, caseworker_sunwu, education):
    education.answer_days = 15
    assert department_save(actor=bureau_reviewer, department=education).answer_days == 15
    education.answer_days = 0
    with pytest.raises(InvalidInput) as exc:
        department_save(actor=bureau_reviewer, department=education)
    assert exc.value.code == "department.invalid"
    with pytest.raises(NotAllowed):
        department_save(actor=caseworker_sunwu, department=education)
    assert Department.objects.filter(active=True).count() >= 7

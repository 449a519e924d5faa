"""The review workflow through its services: every guard refuses, every step is recorded."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits import services
from benefits.models import ApplicationStatus, Benefit, BenefitStatus, Objection, Transition, WrittenNotice
from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed, OutOfScope, WorkflowError
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_full_dibao_case_creates_benefit_with_explained_amount(cases):
    application = cases.to(ApplicationStatus.APPROVED)
    benefit = Benefit.objects.get(application=application)
    # S = 480 (2026 default), 2 members, income 300: (480 × 2 − 300) = 660
    assert benefit.monthly_amount == Decimal("660")
    assert "660" in benefit.amount_explanation
    assert "480" in benefit.amount_explanation
    assert benefit.status == BenefitStatus.ACTIVE
    assert benefit.start_month == (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    assert benefit.standard_snapshot["monthly_standard"] == "480.00"
    assert set(benefit.covered_members.all()) == set(application.household.members.all())
    moves = list(Transition.objects.filter(application=application).values_list("to_status", flat=True))
    assert moves == [
        "draft",
        "accepted",
        "investigating",
        "evaluating",
        "township_review",
        "public_notice",
        "county_review",
        "approved",
    ]
    assert AuditEvent.objects.filter(action="application.county_approve", object_id=str(application.pk)).exists()


def test_submit_without_authorisation_is_refused(cases, make_household, caseworker_sunwu):
    household = make_household(caseworker_sunwu)
    application = services.application_create(actor=caseworker_sunwu, household=household, programme="dibao")
    with pytest.raises(WorkflowError, match="授权核对"):
        services.application_submit(actor=caseworker_sunwu, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_double_submit_changes_nothing_the_second_time(cases):
    application = cases.draft()
    services.application_submit(actor=cases.caseworker, application=application)
    services.application_submit(actor=cases.caseworker, application=application)
    assert application.transitions.filter(action="submit").count() == 1


def test_second_open_application_of_same_programme_is_refused(cases):
    first = cases.to(ApplicationStatus.ACCEPTED)
    second = services.application_create(actor=cases.caseworker, household=first.household, programme="dibao")
    with pytest.raises(WorkflowError):
        services.application_submit(actor=cases.caseworker, application=second)


def test_member_in_another_households_benefit_is_refused(cases, caseworker_sunwu):
    from households.services import member_move

    approved = cases.to(ApplicationStatus.APPROVED)
    son = approved.household.members.get(relationship="son")
    other = cases.household()
    member_move(actor=caseworker_sunwu, member=son, to_household=other, relationship="other", reason="投靠亲属")
    application = services.application_create(actor=caseworker_sunwu, household=other, programme="dibao")
    with pytest.raises(WorkflowError, match="按户施保"):
        services.application_submit(actor=caseworker_sunwu, application=application)


def test_finish_investigation_needs_a_signed_two_person_visit(cases):
    application = cases.to(ApplicationStatus.INVESTIGATING)
    with pytest.raises(WorkflowError, match="两名"):
        services.application_finish_investigation(actor=cases.caseworker, application=application)


def test_finish_evaluation_needs_the_evaluation_record(cases):
    application = cases.to(ApplicationStatus.EVALUATING)
    with pytest.raises(WorkflowError):
        services.application_finish_evaluation(actor=cases.caseworker, application=application)


def test_investigator_cannot_review_their_own_case(cases, township_sunwu):
    from sunwu_relief.services import staff_assign

    application = cases.to(ApplicationStatus.TOWNSHIP_REVIEW)
    # The second investigator is later made a township reviewer: still not allowed on this case.
    staff_assign(actor=system("test"), user=cases.caseworker2, role="township_reviewer", township=township_sunwu)
    with pytest.raises(WorkflowError, match="调查"):
        services.application_township_approve(actor=cases.caseworker2, application=application, opinion="同意")


def test_caseworker_cannot_approve_at_township_level(cases):
    application = cases.to(ApplicationStatus.TOWNSHIP_REVIEW)
    with pytest.raises(NotAllowed):
        services.application_township_approve(actor=cases.caseworker, application=application, opinion="同意")


def test_other_township_staff_get_out_of_scope(cases, caseworker_chenqing):
    application = cases.draft()
    with pytest.raises(OutOfScope):
        services.application_submit(actor=caseworker_chenqing, application=application)


def test_county_review_is_refused_before_the_notice_period_is_over(cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    with pytest.raises(WorkflowError):
        services.application_notice_complete(
            actor=system("task:complete_public_notices"), application=application, on=timezone.localdate()
        )
    notice = application.notices.get()
    assert (notice.ends_on - notice.starts_on).days == 7


def test_open_objection_blocks_county_review_and_upheld_sends_back(cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    notice = application.notices.get()
    objection = services.objection_record(
        actor=cases.caseworker, notice=notice, raised_by="村民李某", content="家中有车", raised_on=timezone.localdate()
    )
    later = timezone.localdate() + datetime.timedelta(days=8)
    assert services.notices_complete_due(actor=system("task:complete_public_notices"), on=later) == 0
    services.objection_resolve(
        actor=cases.reviewer, objection=objection, upheld=True, resolution="经核实属实，重新调查"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVESTIGATING
    assert application.assessment is None
    assert objection.__class__.objects.get(pk=objection.pk).status == Objection.Status.UPHELD


def test_beat_task_run_twice_moves_each_case_once(cases):
    first = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    second = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    later = timezone.localdate() + datetime.timedelta(days=8)
    assert services.notices_complete_due(actor=system("task:complete_public_notices"), on=later) == 2
    assert services.notices_complete_due(actor=system("task:complete_public_notices"), on=later) == 0
    for application in (first, second):
        assert application.transitions.filter(action="notice_complete").count() == 1


def test_county_approval_by_someone_who_worked_it_at_township_is_refused(cases, township_sunwu):
    from sunwu_relief.services import staff_assign

    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    staff_assign(actor=system("test"), user=cases.reviewer, role="bureau_reviewer")
    with pytest.raises(WorkflowError, match="乡镇"):
        services.application_county_approve(actor=cases.reviewer, application=application)


def test_spot_checked_case_needs_a_county_visit(cases, auditor):
    from audits.services import spot_check_draw

    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    with pytest.raises(WorkflowError, match="抽查"):
        services.application_county_approve(actor=cases.bureau, application=application)
    spot_check_draw(actor=auditor, seed=1)  # one case in the township: ⌈50% × 1⌉ = 1, it is drawn
    application.refresh_from_db()
    assert application.spot_check_required
    with pytest.raises(WorkflowError, match="入户"):
        services.application_county_approve(actor=cases.bureau, application=application)
    services.county_visit_record(
        actor=auditor,
        application=application,
        visited_on=timezone.localdate(),
        visitors=[auditor],
        result="confirmed",
        findings="情况属实",
    )
    benefit = services.application_county_approve(actor=cases.bureau, application=application)
    assert benefit.monthly_amount > 0


def test_approving_twice_is_refused(cases):
    application = cases.to(ApplicationStatus.APPROVED)
    with pytest.raises(WorkflowError):
        services.application_county_approve(actor=cases.bureau, application=application)
    assert Benefit.objects.filter(application=application).count() == 1


def test_rejection_needs_a_reason_and_produces_the_written_notice(cases):
    from sunwu_relief.errors import InvalidInput

    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    with pytest.raises(InvalidInput):
        services.application_county_reject(actor=cases.bureau, application=application, reason_code="", comment="")
    notice = services.application_county_reject(
        actor=cases.bureau, application=application, reason_code="income_above_standard", comment="工资收入超标"
    )
    assert notice.kind == WrittenNotice.Kind.REJECTION
    assert "工资收入超标" in notice.body
    assert "行政复议" in notice.body
    assert notice.due_on > notice.issued_on
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_return_and_resubmit(cases):
    application = cases.to(ApplicationStatus.TOWNSHIP_REVIEW)
    services.application_township_return(
        actor=cases.reviewer, application=application, reason_code="documents_missing", comment="缺少残疾证"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    services.application_resubmit(actor=cases.caseworker, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_income_above_standard_cannot_be_approved_at_township(cases):
    application = cases.to(ApplicationStatus.TOWNSHIP_REVIEW, wages=Decimal("2000"))
    with pytest.raises(WorkflowError, match="0"):
        services.application_township_approve(actor=cases.reviewer, application=application, opinion="同意")


def test_withdraw_needs_a_reason(cases):
    from sunwu_relief.errors import InvalidInput

    application = cases.to(ApplicationStatus.ACCEPTED)
    with pytest.raises(InvalidInput):
        services.application_withdraw(actor=cases.caseworker, application=application, comment=" ")
    services.application_withdraw(actor=cases.caseworker, application=application, comment="申请人自愿撤回")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_benefit_changes_phase_out_and_stop(cases, clock):
    application = cases.to(ApplicationStatus.APPROVED)
    benefit = application.benefit
    month = benefit.start_month
    services.benefit_change(
        actor=cases.bureau,
        benefit=benefit,
        kind="lower",
        effective_month=month,
        reason_code="circumstances_changed",
        reason="务工收入增加",
        manual_reason="other",
        new_amount=Decimal("500"),
    )
    change = services.benefit_change(
        actor=cases.bureau,
        benefit=benefit,
        kind="phase_out",
        effective_month=month,
        reason_code="circumstances_changed",
        reason="收入超过标准，渐退",
    )
    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.PHASING_OUT
    assert benefit.phase_out_until.month == (month.month + 6 - 1) % 12 + 1
    assert change.written_notice.kind == WrittenNotice.Kind.CHANGE
    assert services.phase_outs_complete(actor=system("task:complete_phase_outs"), on=benefit.phase_out_until) == 1
    assert services.phase_outs_complete(actor=system("task:complete_phase_outs"), on=benefit.phase_out_until) == 0
    benefit.refresh_from_db()
    # The stop is decided for the month the phase-out ends; the benefit runs until then.
    assert benefit.end_month == benefit.phase_out_until
    assert benefit.status == BenefitStatus.PHASING_OUT
    clock.move_to(benefit.phase_out_until)
    services.benefits_take_effect(actor=system("task:take_decisions_into_effect"))
    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.STOPPED
    with pytest.raises(WorkflowError):
        services.benefit_change(
            actor=cases.bureau,
            benefit=benefit,
            kind="resume",
            effective_month=benefit.phase_out_until,
            reason_code="other",
            reason="x",
        )


def test_standard_change_recomputes_running_benefits_as_decisions(cases, django_capture_on_commit_callbacks):
    from benefits.models import BenefitChange, Standard
    from sunwu_relief.models import Job

    application = cases.to(ApplicationStatus.APPROVED)
    standard = Standard.objects.get(programme="dibao", year=timezone.localdate().year)
    standard.monthly_standard = Decimal("500")
    with django_capture_on_commit_callbacks(execute=True):
        services.standard_save(actor=cases.bureau, standard=standard)
    job = Job.objects.get(kind="benefits.recompute")
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts["changed"] == 1
    benefit = Benefit.objects.get(application=application)
    # (500 × 2 − 300) = 700
    assert benefit.monthly_amount == Decimal("700")
    change = BenefitChange.objects.get(benefit=benefit, kind="recompute")
    assert change.old_amount == Decimal("660")
    assert change.new_amount == Decimal("700")
    assert standard.version == 2


def test_tekun_case_for_one_elderly_person_is_key_household_with_care_allowance(cases, caseworker_sunwu):
    from tests.conftest import member_data, new_id_number

    household = cases.make_household(
        caseworker_sunwu, head=member_data(name="赵老汉", relationship="head", id_number=new_id_number(born="19450101"))
    )
    from assessments import services as assessment_services
    from tests.builders import scan

    assessment = assessment_services.assessment_start(actor=caseworker_sunwu, household=household)
    assessment_services.authorisation_record(
        actor=caseworker_sunwu, assessment=assessment, signed_on=timezone.localdate(), signatory="赵老汉", scan=scan()
    )
    elder = household.members.get()
    application = services.application_create(
        actor=caseworker_sunwu, household=household, programme="tekun", single_member=elder
    )
    cases.to(ApplicationStatus.TOWNSHIP_REVIEW, application=application)
    services.application_township_approve(
        actor=cases.reviewer, application=application, opinion="符合特困供养条件", care_level="semi_disabled"
    )
    application.refresh_from_db()
    # basic living standard 624 (1.3 × 480) + semi-disabled care allowance 319
    assert application.proposed_amount == Decimal("943")
    assert application.proposed_classification == "key"
    benefit = cases.to(ApplicationStatus.APPROVED, application=application).benefit
    assert list(benefit.covered_members.all()) == [elder]
    household.refresh_from_db()
    assert household.classification == "key"


def test_tekun_application_must_name_the_person(cases):
    household = cases.household()
    application = services.application_create(actor=cases.caseworker, household=household, programme="tekun")
    with pytest.raises(WorkflowError, match="特困"):
        services.application_submit(actor=cases.caseworker, application=application)


def test_filing_hook_files_the_case_and_forces_a_county_visit(cases):
    from benefits import hooks

    def relatives_of_staff(household):
        return ["户主为村委会委员王某的配偶"]

    hooks.register_filing_check(relatives_of_staff)
    try:
        application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    finally:
        hooks._filing_checks.remove(relatives_of_staff)
    assert application.filed is True
    assert application.filed_reasons == ["户主为村委会委员王某的配偶"]
    with pytest.raises(WorkflowError):
        services.application_county_approve(actor=cases.bureau, application=application)


def test_county_return_needs_a_reason_and_sends_the_case_back_to_the_township(cases):
    from sunwu_relief.errors import InvalidInput

    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    with pytest.raises(InvalidInput):
        services.application_county_return(actor=cases.bureau, application=application, reason_code="other", comment="")
    with pytest.raises(NotAllowed):
        services.application_county_return(
            actor=cases.caseworker, application=application, reason_code="facts_unclear", comment="x"
        )
    services.application_county_return(
        actor=cases.bureau, application=application, reason_code="facts_unclear", comment="收入情况不清，请补充调查"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert application.transitions.last().reason_code == "facts_unclear"


def test_classified_addons_of_the_standard_are_added_to_the_grant(cases):
    from benefits.models import Standard

    standard = Standard.objects.get(programme="dibao", year=timezone.localdate().year)
    standard.addon_minor = Decimal("0.1")  # the son, born 2015, is a minor
    standard.save()
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    # (480 × 2 − 300) = 660, plus 10% of 480 for the minor = 48
    assert application.proposed_amount == Decimal("708")
    assert "分类施保" in application.amount_explanation

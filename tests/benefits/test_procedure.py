"""Procedure as published: a county visit's discrepancy blocks approval until it is settled; the
approval notice; the 45-day extension; the deadline after an upheld objection; delivery of
written notices; a 特困 stop noticed first; minors not on 特困 notices; the standing list; the
township's own step to send a case up and the close_notices command."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from benefits import services
from benefits.models import (
    Application,
    ApplicationStatus,
    Benefit,
    BenefitChange,
    BenefitStatus,
    StopNotice,
    WrittenNotice,
)
from benefits.selectors import WorkingCalendar, application_deadlines
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from sunwu_relief.models import AuditEvent
from tests.builders import scan
from tests.conftest import member_data, new_id_number

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    """Today in local time, read when a test runs (a run may cross midnight after collection)."""
    return timezone.localdate()


def receipt() -> SimpleUploadedFile:
    return SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 signed receipt", content_type="application/pdf")


def tekun_application(cases, *, born: str, name: str = "赵老汉") -> Application:
    household = cases.make_household(
        cases.caseworker, head=member_data(name=name, relationship="head", id_number=new_id_number(born=born))
    )
    assessment = assessment_services.assessment_start(actor=cases.caseworker, household=household)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=today(), signatory=name, scan=scan()
    )
    return services.application_create(
        actor=cases.caseworker, household=household, programme="tekun", single_member=household.members.get()
    )


def discrepancy_visit(cases, application: Application):
    return services.county_visit_record(
        actor=cases.bureau,
        application=application,
        visited_on=today(),
        visitors=[cases.bureau],
        result="discrepancy",
        findings="家中有一辆未申报的小型货车",
    )


# Item 10: a county visit's discrepancy ---------------------------------------------------------


def test_a_discrepancy_blocks_approval_until_the_reviewer_records_why_eligibility_stands(cases, auditor):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.ready_for_approval(application)
    visit = discrepancy_visit(cases, application)
    with pytest.raises(WorkflowError) as exc:
        services.application_county_approve(actor=cases.bureau, application=application)
    assert "county_visit.discrepancy" in exc.value.codes
    assert "county_visit.discrepancy" in [p.code for p in services.approval_problems(application, cases.bureau)]

    with pytest.raises(NotAllowed):
        services.county_visit_override(actor=auditor, visit=visit, reason="货车已报废")
    with pytest.raises(InvalidInput):
        services.county_visit_override(actor=cases.bureau, visit=visit, reason="  ")
    services.county_visit_override(actor=cases.bureau, visit=visit, reason="货车已于2025年报废，有注销证明")
    services.county_visit_override(actor=cases.bureau, visit=visit, reason="again")  # a repeat does nothing
    visit.refresh_from_db()
    assert visit.override_reason == "货车已于2025年报废，有注销证明"
    assert visit.override_by == cases.bureau
    assert AuditEvent.objects.filter(action="county_visit.override", object_id=str(visit.pk)).count() == 1

    benefit = services.application_county_approve(actor=cases.bureau, application=application)
    assert benefit.status == BenefitStatus.ACTIVE


def test_a_confirmed_visit_needs_no_override(cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    visit = services.county_visit_record(
        actor=cases.bureau,
        application=application,
        visited_on=today(),
        visitors=[cases.bureau],
        result="confirmed",
        findings="情况属实",
    )
    with pytest.raises(WorkflowError) as exc:
        services.county_visit_override(actor=cases.bureau, visit=visit, reason="无")
    assert "county_visit.no_discrepancy" in exc.value.codes


def test_a_discrepancy_can_send_the_case_back_and_does_not_block_the_next_round(cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    discrepancy_visit(cases, application)
    services.application_county_return(
        actor=cases.bureau, application=application, reason_code="facts_unclear", comment="入户发现未申报车辆，重新调查"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    # The next time the case reaches the county, the old visit is history, not a block.
    services.application_resubmit(actor=cases.caseworker, application=application)
    application = Application.objects.get(pk=application.pk)
    application.received_by_county_at = timezone.now() + datetime.timedelta(seconds=1)
    assert services.open_discrepancies(application) == []


def test_admin_decide_page_records_the_override(client, cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.ready_for_approval(application)
    visit = discrepancy_visit(cases, application)
    client.force_login(cases.bureau)
    url = reverse("admin:benefits_application_decide", args=[application.pk])
    page = client.get(url).content.decode()
    assert "家中有一辆未申报的小型货车" in page
    response = client.post(url, {"override": "1", "override-visit": visit.pk, "override-reason": "车辆已过户给他人"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.override_reason == "车辆已过户给他人"


# Item 11a: 批准通知书 ------------------------------------------------------------------------------


def test_approval_produces_the_written_notice_of_approval(cases):
    application = cases.to(ApplicationStatus.APPROVED)
    notice = WrittenNotice.objects.get(application=application, kind=WrittenNotice.Kind.APPROVAL)
    benefit = application.benefit
    assert "决定予以批准" in notice.body
    assert f"{benefit.monthly_amount}" in notice.body
    assert f"{benefit.start_month:%Y年%m月}" in notice.body
    assert "行政复议" in notice.body
    assert notice.due_on == WorkingCalendar().deadline(notice.issued_on, 3)
    assert notice.delivered_on is None


# Item 11b: the 45-working-day extension ----------------------------------------------------------


def test_township_reviewer_extends_the_decision_deadline_with_its_reason(cases):
    application = cases.to(ApplicationStatus.INVESTIGATING)
    accepted = timezone.localdate(application.accepted_at)
    services.application_extend_deadline(actor=cases.reviewer, application=application, reason="申请人住院，无法入户")
    services.application_extend_deadline(actor=cases.reviewer, application=application, reason="again")
    application.refresh_from_db()
    assert application.deadline_extended
    assert application.extension_reason == "申请人住院，无法入户"
    assert application.extended_by == cases.reviewer
    assert AuditEvent.objects.filter(action="application.extend_deadline").count() == 1
    due = [d["due"] for d in application_deadlines(application, on=today())]
    assert WorkingCalendar().deadline(accepted, 45) in due
    assert WorkingCalendar().deadline(accepted, 30) not in due


def test_extension_is_refused_to_others_and_needs_a_reason(cases, caseworker_chenqing):
    application = cases.to(ApplicationStatus.ACCEPTED)
    with pytest.raises(NotAllowed):
        services.application_extend_deadline(actor=cases.caseworker, application=application, reason="x")
    with pytest.raises(OutOfScope):
        services.application_extend_deadline(actor=caseworker_chenqing, application=application, reason="x")
    with pytest.raises(InvalidInput):
        services.application_extend_deadline(actor=cases.reviewer, application=application, reason=" ")
    with pytest.raises(InvalidInput):
        services.application_extend_deadline(actor=cases.reviewer, application=application, reason="住院\u202e")
    application.refresh_from_db()
    assert not application.deadline_extended


def test_extension_only_for_dibao_and_before_the_deadline_passed(cases):
    tekun = tekun_application(cases, born="19450101")
    services.application_submit(actor=cases.caseworker, application=tekun)
    with pytest.raises(WorkflowError) as exc:
        services.application_extend_deadline(actor=cases.reviewer, application=tekun, reason="住院")
    assert "extension.not_dibao" in exc.value.codes
    late = cases.to(ApplicationStatus.ACCEPTED)
    Application.objects.filter(pk=late.pk).update(accepted_at=timezone.now() - datetime.timedelta(days=60))
    with pytest.raises(WorkflowError) as exc:
        services.application_extend_deadline(actor=cases.reviewer, application=late, reason="住院")
    assert "extension.too_late" in exc.value.codes


def test_extension_from_the_case_page(client, cases):
    application = cases.to(ApplicationStatus.INVESTIGATING)
    client.force_login(cases.reviewer)
    assert (
        'data-step="extend_deadline"'
        in client.get(reverse("benefits:application", args=[application.pk])).content.decode()
    )
    url = reverse("benefits:application-step", args=[application.pk, "extend_deadline"])
    assert client.post(url, {"extend_deadline-reason": ""}).status_code == 400
    assert client.post(url, {"extend_deadline-reason": "需补充残疾等级鉴定"}).status_code == 302
    page = client.get(reverse("benefits:application", args=[application.pk])).content.decode()
    assert "需补充残疾等级鉴定" in page
    assert 'data-step="extend_deadline"' not in page


# Item 11c: the new township opinion after an upheld objection ---------------------------------------


def test_an_upheld_objection_sets_a_fifteen_working_day_deadline_for_the_new_opinion(cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    notice = application.notices.get()
    objection = services.objection_record(
        actor=cases.caseworker, notice=notice, raised_by="村民李某", content="家中有人外出务工", raised_on=today()
    )
    services.objection_resolve(actor=cases.reviewer, objection=objection, upheld=True, resolution="属实，重新调查")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVESTIGATING
    deadlines = application_deadlines(application, on=today())
    upheld = timezone.localdate(application.objection_upheld_at)
    assert deadlines[0]["due"] == WorkingCalendar().deadline(upheld, 15)


# Item 11d: delivery of written notices -------------------------------------------------------------


def rejection(cases) -> WrittenNotice:
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    return services.application_county_reject(
        actor=cases.bureau, application=application, reason_code="income_above_standard", comment="收入超过标准"
    )


def test_township_staff_record_delivery_with_the_signed_receipt(client, cases):
    notice = rejection(cases)
    client.force_login(cases.caseworker)
    url = reverse("benefits:written-notice-deliver", args=[notice.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"delivered_on": today().isoformat(), "method": "in_person", "received_by": "王大山"})
    assert bad.status_code == 400  # no receipt
    response = client.post(
        url, {"delivered_on": today().isoformat(), "method": "in_person", "received_by": "王大山", "receipt": receipt()}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.delivered_on == today()
    assert notice.delivered_by == cases.caseworker
    assert notice.delivery_method == "in_person"
    assert notice.receipt
    assert AuditEvent.objects.filter(action="written_notice.deliver", object_id=str(notice.pk)).exists()
    again = services.written_notice_deliver(
        actor=cases.caseworker, notice=notice, delivered_on=today(), method="post", received_by="x", receipt=receipt()
    )
    assert again.delivery_method == "in_person"  # delivered once
    assert "王大山" in client.get(reverse("benefits:written-notice", args=[notice.pk])).content.decode()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("delivered_on", {"delivered_on": today() + datetime.timedelta(days=1)}),
        ("delivered_on", {"delivered_on": today() - datetime.timedelta(days=1)}),
        ("method", {"method": "pigeon"}),
        ("received_by", {"received_by": " "}),
        ("receipt", {"receipt": SimpleUploadedFile("r.html", b"<script>", content_type="text/html")}),
    ],
)
def test_delivery_input_is_checked(cases, field, values):
    notice = rejection(cases)
    data = {"delivered_on": today(), "method": "in_person", "received_by": "王大山", "receipt": receipt(), **values}
    with pytest.raises(InvalidInput) as exc:
        services.written_notice_deliver(actor=cases.caseworker, notice=notice, **data)
    assert field in exc.value.field_errors
    notice.refresh_from_db()
    assert notice.delivered_on is None


def test_delivery_by_other_township_or_auditor_is_refused(client, cases, caseworker_chenqing, auditor):
    notice = rejection(cases)
    data = {"delivered_on": today(), "method": "in_person", "received_by": "王大山", "receipt": receipt()}
    with pytest.raises(OutOfScope):
        services.written_notice_deliver(actor=caseworker_chenqing, notice=notice, **data)
    with pytest.raises(NotAllowed):
        services.written_notice_deliver(actor=auditor, notice=notice, **data)
    client.force_login(caseworker_chenqing)
    assert client.get(reverse("benefits:written-notice-deliver", args=[notice.pk])).status_code == 404


def test_undelivered_overdue_notices_are_listed(client, cases):
    notice = rejection(cases)
    client.force_login(cases.reviewer)
    listing = client.get(reverse("benefits:written-notices")).content.decode()
    assert notice.addressee in listing
    assert notice.addressee not in client.get(reverse("benefits:written-notices") + "?state=overdue").content.decode()
    WrittenNotice.objects.filter(pk=notice.pk).update(
        issued_on=today() - datetime.timedelta(days=10), due_on=today() - datetime.timedelta(days=5)
    )
    overdue = client.get(reverse("benefits:written-notices") + "?state=overdue").content.decode()
    assert notice.addressee in overdue


# Item 11e: a 特困 stop is publicly noticed first -----------------------------------------------------


def approved_tekun(cases, *, born: str = "19450101", name: str = "赵老汉") -> Benefit:
    application = tekun_application(cases, born=born, name=name)
    return cases.to(ApplicationStatus.APPROVED, application=application).benefit


def test_a_tekun_stop_is_published_for_seven_days_before_it_is_decided(client, cases):
    benefit = approved_tekun(cases)
    month = today().replace(day=1)
    with pytest.raises(WorkflowError) as exc:
        services.benefit_change(
            actor=cases.bureau, benefit=benefit, kind="stop", effective_month=month, reason_code="other", reason="x"
        )
    assert "tekun.stop_needs_notice" in exc.value.codes
    notice = services.tekun_stop_propose(
        actor=cases.bureau, benefit=benefit, reason_code="moved_or_deceased", reason="已迁出本县"
    )
    assert notice.ends_on == today() + datetime.timedelta(days=7)
    assert services.tekun_stop_propose(actor=cases.bureau, benefit=benefit, reason_code="other", reason="y") == notice
    with pytest.raises(WorkflowError) as exc:
        services.benefit_change(
            actor=cases.bureau, benefit=benefit, kind="stop", effective_month=month, reason_code="other", reason="x"
        )
    assert "tekun.stop_notice_running" in exc.value.codes
    assert services.stop_notices_complete(actor=system("task:complete_public_notices")) == 0
    client.force_login(cases.caseworker)
    board = client.get(reverse("benefits:notices")).content.decode()
    assert 'data-testid="stop-notice-table"' in board
    assert "赵老汉" in board

    # The notice period is over (moved into the past: no clock in tests).
    StopNotice.objects.filter(pk=notice.pk).update(
        starts_on=today() - datetime.timedelta(days=9), ends_on=today() - datetime.timedelta(days=2)
    )
    assert services.stop_notices_complete(actor=system("task:complete_public_notices")) == 1
    assert services.stop_notices_complete(actor=system("task:complete_public_notices")) == 0
    benefit.refresh_from_db()
    notice.refresh_from_db()
    assert benefit.status == BenefitStatus.STOPPED
    assert notice.status == StopNotice.Status.DONE
    assert notice.change.kind == BenefitChange.Kind.STOP
    assert notice.change.written_notice.kind == WrittenNotice.Kind.CHANGE


def test_only_the_bureau_proposes_a_stop_and_only_for_tekun(cases):
    benefit = approved_tekun(cases)
    with pytest.raises(NotAllowed):
        services.tekun_stop_propose(actor=cases.reviewer, benefit=benefit, reason_code="other", reason="x")
    dibao = cases.to(ApplicationStatus.APPROVED).benefit
    with pytest.raises(WorkflowError) as exc:
        services.tekun_stop_propose(actor=cases.bureau, benefit=dibao, reason_code="other", reason="x")
    assert "stop_notice.not_tekun" in exc.value.codes


def test_a_withdrawn_stop_leaves_the_support_running(cases):
    benefit = approved_tekun(cases)
    notice = services.tekun_stop_propose(actor=cases.bureau, benefit=benefit, reason_code="other", reason="x")
    with pytest.raises(InvalidInput):
        services.stop_notice_cancel(actor=cases.bureau, notice=notice, reason="")
    services.stop_notice_cancel(actor=cases.bureau, notice=notice, reason="公示期间村民反映其仍在本村居住")
    StopNotice.objects.filter(pk=notice.pk).update(ends_on=today() - datetime.timedelta(days=1))
    assert services.stop_notices_complete(actor=system("task:complete_public_notices")) == 0
    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.ACTIVE


def test_admin_stop_of_tekun_opens_the_notice(client, cases):
    benefit = approved_tekun(cases)
    client.force_login(cases.bureau)
    response = client.post(
        reverse("admin:benefits_benefit_decide", args=[benefit.pk]),
        {"kind": "stop", "effective_month": today().isoformat(), "reason_code": "other", "reason": "已入住子女家"},
    )
    assert response.status_code == 302
    assert StopNotice.objects.filter(benefit=benefit, status=StopNotice.Status.RUNNING).exists()
    benefit.refresh_from_db()
    assert benefit.status == BenefitStatus.ACTIVE


# Items 11f and 11g: minors not listed; the standing list ----------------------------------------------


def minor_birth() -> str:
    return f"{today().year - 12}0101"


def test_minors_are_not_listed_on_tekun_notices(client, cases):
    elder = tekun_application(cases, born="19450101", name="赵老汉")
    child = tekun_application(cases, born=minor_birth(), name="孤儿小明")
    for application in (elder, child):
        cases.to(ApplicationStatus.PUBLIC_NOTICE, application=application)
    client.force_login(cases.caseworker)
    board = client.get(reverse("benefits:notices")).content.decode()
    assert "赵老汉" in board
    assert "孤儿小明" not in board


def test_standing_list_shows_the_beneficiaries_with_only_the_allowed_fields(client, cases, caseworker_chenqing):
    dibao = cases.to(ApplicationStatus.APPROVED)
    approved_tekun(cases, born=minor_birth(), name="孤儿小明")
    client.force_login(cases.caseworker)
    url = reverse("benefits:standing-list")
    page = client.get(url).content.decode()
    assert dibao.applicant_name in page
    assert f"{dibao.benefit.monthly_amount}" in page
    assert "孤儿小明" not in page
    for member in dibao.household.members.all():
        assert member.id_number not in page
        assert member.id_number[:6] + "*" not in page
    assert dibao.household.address not in page
    client.force_login(caseworker_chenqing)
    assert dibao.applicant_name not in client.get(url).content.decode()


# Item 11h: the township's own step and close_notices ---------------------------------------------------


def test_township_staff_send_the_case_up_only_when_the_notice_is_over(client, cases, caseworker_chenqing):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    with pytest.raises(WorkflowError) as exc:
        services.application_notice_complete(actor=cases.caseworker, application=application)
    assert "notice.period_running" in exc.value.codes
    with pytest.raises(OutOfScope):
        services.application_notice_complete(actor=caseworker_chenqing, application=application)
    with pytest.raises(NotAllowed):
        services.application_notice_complete(actor=cases.bureau, application=application)
    client.force_login(cases.reviewer)
    page = client.get(reverse("benefits:application", args=[application.pk])).content.decode()
    assert 'data-step="notice_complete"' in page
    url = reverse("benefits:application-step", args=[application.pk, "notice_complete"])
    assert client.post(url, {}).status_code == 400
    # The period is over (moved into the past: no clock in tests).
    application.notices.update(
        starts_on=today() - datetime.timedelta(days=8), ends_on=today() - datetime.timedelta(days=1)
    )
    assert client.post(url, {}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COUNTY_REVIEW
    assert application.transitions.get(action="notice_complete").actor == cases.reviewer


def test_an_open_objection_keeps_the_case_in_notice(cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    notice = application.notices.get()
    services.objection_record(
        actor=cases.caseworker, notice=notice, raised_by="李某", content="有车", raised_on=today()
    )
    application.notices.update(ends_on=today() - datetime.timedelta(days=1))
    with pytest.raises(WorkflowError) as exc:
        services.application_notice_complete(actor=cases.reviewer, application=application)
    assert "notice.objection_open" in exc.value.codes


def test_close_notices_command_moves_the_cases_and_prints_the_count_per_township(cases, township_sunwu):
    first = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    second = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    out = io.StringIO()
    call_command("close_notices", stdout=out)
    assert "moved to county review: 0" in out.getvalue()
    out = io.StringIO()
    call_command("close_notices", "--on", (today() + datetime.timedelta(days=8)).isoformat(), stdout=out)
    assert f"{township_sunwu.name}: 2" in out.getvalue()
    assert "moved to county review: 2" in out.getvalue()
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.COUNTY_REVIEW
    out = io.StringIO()
    call_command("close_notices", "--on", (today() + datetime.timedelta(days=8)).isoformat(), stdout=out)
    assert "moved to county review: 0" in out.getvalue()


def test_close_notices_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("close_notices", "--on", "2026-13-01")


def test_benefit_amount_is_unchanged_by_the_notice(cases):
    # The approval notice is a record: issuing it changes nothing of the benefit.
    application = cases.to(ApplicationStatus.APPROVED)
    assert application.benefit.monthly_amount == Decimal("660")


def test_admin_withdraws_a_proposed_stop(client, cases):
    benefit = approved_tekun(cases)
    notice = services.tekun_stop_propose(
        actor=cases.bureau, benefit=benefit, reason_code="other", reason="已入住子女家"
    )
    client.force_login(cases.bureau)
    url = reverse("admin:benefits_benefit_decide", args=[benefit.pk])
    assert 'data-testid="stop-notice"' in client.get(url).content.decode()
    response = client.post(url, {"withdraw_stop": "1", "withdraw-reason": "公示期间核实其仍独居本村"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == StopNotice.Status.CANCELLED
    assert AuditEvent.objects.filter(action="stop_notice.cancel", object_id=str(notice.pk)).exists()

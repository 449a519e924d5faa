"""Complaints 举报: intake, the reporter hidden from township staff, the steps of the work, and
an open complaint forcing the spot-check and the county visit before the decision."""

import datetime

import pytest
from django.utils import timezone

from audits.complaints import services
from audits.complaints.models import ComplaintStatus
from audits.complaints.selectors import households_needing_review, overdue
from audits.models import SpotCheckItem
from audits.services.spot_checks import spot_check_draw
from benefits import services as benefit_services
from benefits.models import ApplicationStatus
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from sunwu_relief.models import AuditEvent

pytestmark = pytest.mark.django_db


def work_to_investigated(complaint, *, reviewer, assignee, outcome="upheld"):
    services.complaint_assign(actor=reviewer, complaint=complaint, assignee=assignee)
    return services.complaint_findings_record(actor=assignee, complaint=complaint, findings="核实属实", outcome=outcome)


def test_an_anonymous_reporter_is_hidden_from_township_staff(client, complain, household_sunwu, caseworker_sunwu):
    complaint = complain(household=household_sunwu, anonymous=True, contact="13900000000")
    assert complaint.reporter_name == ""
    client.force_login(caseworker_sunwu)
    page = client.get(f"/audits/complaints/{complaint.pk}/").content.decode()
    assert 'data-testid="reporter-anonymous"' in page
    assert "13900000000" not in page
    listing = client.get("/audits/complaints/").content.decode()
    assert complaint.number in listing
    assert "13900000000" not in listing


def test_a_named_reporter_is_shown_to_county_staff_only(
    client, complain, household_sunwu, caseworker_sunwu, reviewer_sunwu, auditor, bureau_reviewer
):
    complaint = complain(household=household_sunwu, reporter_name="李举报", contact="13811112222")
    for township_user in (caseworker_sunwu, reviewer_sunwu):
        client.force_login(township_user)
        page = client.get(f"/audits/complaints/{complaint.pk}/").content.decode()
        assert 'data-testid="reporter-hidden"' in page
        assert "李举报" not in page
        assert "13811112222" not in page
    for county_user in (auditor, bureau_reviewer):
        client.force_login(county_user)
        page = client.get(f"/audits/complaints/{complaint.pk}/").content.decode()
        assert "李举报" in page
        assert "13811112222" in page
        admin_page = client.get(f"/admin/audits/complaint/{complaint.pk}/change/").content.decode()
        assert "李举报" in admin_page
    # The audit trail names what was received, never who reported.
    event = AuditEvent.objects.get(action="complaint.record")
    assert "李举报" not in str(event.detail)


def test_township_staff_record_a_complaint_in_the_ui(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    assert client.get("/audits/complaints/new/").status_code == 200
    response = client.post(
        "/audits/complaints/new/",
        {
            "channel": "visit",
            "received_on": timezone.localdate().isoformat(),
            "anonymous": "on",
            "content": "该户儿子在外打工收入高",
            "household_number": household_sunwu.number,
        },
    )
    assert response.status_code == 302
    complaint = household_sunwu.complaints.get()
    assert complaint.anonymous
    assert complaint.township_id == household_sunwu.township_id
    assert complaint.answer_due == complaint.received_on + datetime.timedelta(days=30)


def test_county_staff_record_a_complaint_in_the_admin(client, bureau_reviewer, household_sunwu, township_sunwu):
    client.force_login(bureau_reviewer)
    response = client.post(
        "/admin/audits/complaint/add/",
        {
            "channel": "letter",
            "received_on": timezone.localdate().isoformat(),
            "reporter_name": "王来信",
            "reporter_contact": "某村某组",
            "content": "村干部优亲厚友",
            "township": township_sunwu.pk,
            "household": household_sunwu.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    complaint = household_sunwu.complaints.get()
    assert complaint.recorded_by == bureau_reviewer
    assert complaint.number.startswith("JB")


def test_the_ui_refuses_a_household_of_another_township(client, caseworker_sunwu, household_chenqing):
    client.force_login(caseworker_sunwu)
    response = client.post(
        "/audits/complaints/new/",
        {
            "channel": "phone",
            "received_on": timezone.localdate().isoformat(),
            "reporter_name": "某人",
            "content": "内容",
            "household_number": household_chenqing.number,
        },
    )
    assert response.status_code == 200
    assert not household_chenqing.complaints.exists()


def test_other_township_and_other_roles_see_nothing(
    client, complain, household_sunwu, caseworker_chenqing, poverty_office, stranger
):
    complaint = complain(household=household_sunwu)
    client.force_login(caseworker_chenqing)
    assert client.get(f"/audits/complaints/{complaint.pk}/").status_code == 404
    assert complaint.number not in client.get("/audits/complaints/").content.decode()
    for user in (poverty_office, stranger):
        client.force_login(user)
        assert client.get("/audits/complaints/").status_code == 403
    with pytest.raises(OutOfScope):
        services.complaint_assign(actor=caseworker_chenqing, complaint=complaint, assignee=caseworker_chenqing)


def test_the_steps_assign_investigate_answer_close(
    complain, household_sunwu, reviewer_sunwu, caseworker_sunwu, auditor
):
    complaint = complain(household=household_sunwu, contact="13900001111")
    with pytest.raises(NotAllowed):
        services.complaint_assign(actor=caseworker_sunwu, complaint=complaint, assignee=caseworker_sunwu)
    complaint = work_to_investigated(complaint, reviewer=reviewer_sunwu, assignee=caseworker_sunwu)
    with pytest.raises(WorkflowError) as early:
        services.complaint_close(actor=auditor, complaint=complaint, note="结案")
    assert early.value.code == "complaint.not_ready"
    services.complaint_answer(
        actor=caseworker_sunwu, complaint=complaint, answered_on=timezone.localdate(), method="phone", answer="已核实"
    )
    with pytest.raises(NotAllowed) as township_close:
        services.complaint_close(actor=reviewer_sunwu, complaint=complaint, note="结案")
    assert township_close.value.code == "complaint.close_county_only"
    complaint = services.complaint_close(actor=auditor, complaint=complaint, note="属实，取消保障待复核")
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.review_required
    assert list(households_needing_review()) == [household_sunwu]
    services.complaint_review_recorded(actor=caseworker_sunwu, complaint=complaint, note="已复核")
    assert not households_needing_review().exists()
    actions = list(complaint.events.values_list("action", flat=True))
    assert actions == ["record", "assign", "findings", "answer", "close", "review"]


def test_an_anonymous_report_without_contact_is_closed_without_an_answer(
    complain, household_sunwu, reviewer_sunwu, caseworker_sunwu, bureau_reviewer
):
    complaint = work_to_investigated(
        complain(household=household_sunwu, anonymous=True),
        reviewer=reviewer_sunwu,
        assignee=caseworker_sunwu,
        outcome="not_upheld",
    )
    with pytest.raises(WorkflowError) as cannot:
        services.complaint_answer(
            actor=caseworker_sunwu, complaint=complaint, answered_on=timezone.localdate(), method="phone", answer="x"
        )
    assert cannot.value.code == "complaint.no_contact"
    complaint = services.complaint_close(actor=bureau_reviewer, complaint=complaint, note="不属实")
    assert not complaint.review_required


def test_bad_input_and_a_wrong_assignee_are_refused(complain, household_sunwu, reviewer_sunwu, caseworker_chenqing):
    with pytest.raises(InvalidInput) as nameless:
        complain(household=household_sunwu, reporter_name="")
    assert "reporter_name" in nameless.value.field_errors
    with pytest.raises(InvalidInput):
        complain(household=household_sunwu, content="  ")
    with pytest.raises(InvalidInput):
        complain(household=household_sunwu, received_on=timezone.localdate() + datetime.timedelta(days=1))
    complaint = complain(household=household_sunwu)
    with pytest.raises(InvalidInput) as other:
        services.complaint_assign(actor=reviewer_sunwu, complaint=complaint, assignee=caseworker_chenqing)
    assert other.value.code == "complaint.assignee"


def test_a_complaint_about_staff_is_the_countys(complain, household_sunwu, caseworker_sunwu, auditor, reviewer_sunwu):
    with pytest.raises(InvalidInput):
        complain(household=household_sunwu, about_staff=caseworker_sunwu)
    complaint = complain(actor=auditor, household=household_sunwu, about_staff=caseworker_sunwu)
    with pytest.raises(OutOfScope):
        services.complaint_assign(actor=reviewer_sunwu, complaint=complaint, assignee=reviewer_sunwu)
    with pytest.raises(InvalidInput):
        services.complaint_assign(actor=auditor, complaint=complaint, assignee=caseworker_sunwu)


def test_the_answer_deadline_is_data_and_overdue_ones_are_listed(
    client, complain, household_sunwu, clock, bureau_reviewer
):
    from audits.integrity.selectors import integrity_settings
    from audits.integrity.services.register import integrity_settings_save

    row = integrity_settings()
    row.complaint_answer_days = 10
    integrity_settings_save(actor=bureau_reviewer, row=row)
    complaint = complain(household=household_sunwu)
    assert complaint.answer_due == complaint.received_on + datetime.timedelta(days=10)
    assert not overdue(type(complaint).objects.all()).exists()
    clock.move_to(complaint.answer_due + datetime.timedelta(days=1))
    assert list(overdue(type(complaint).objects.all())) == [complaint]
    client.force_login(bureau_reviewer)
    assert 'data-testid="overdue"' in client.get("/audits/complaints/?status=overdue").content.decode()


def test_an_open_complaint_draws_the_case_and_blocks_the_decision_until_the_county_visit(cases, complain):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    others = [cases.to(ApplicationStatus.COUNTY_REVIEW) for _ in range(5)]
    complaint = complain(household=application.household)
    for seed in (11, 12, 13):
        SpotCheckItem.objects.all().delete()
        spot_check_draw(actor=cases.bureau, seed=seed)
        assert SpotCheckItem.objects.get(application=application).drawn
    assert len(others) == 5
    with pytest.raises(WorkflowError) as blocked:
        benefit_services.application_county_approve(actor=cases.bureau, application=application)
    assert "complaint.county_visit_required" in blocked.value.codes
    benefit_services.county_visit_record(
        actor=cases.bureau,
        application=application,
        visited_on=timezone.localdate(),
        visitors=[cases.bureau],
        result="confirmed",
        findings="针对举报入户核实，无小轿车",
    )
    benefit_services.application_county_approve(actor=cases.bureau, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert complaint.is_open  # the visit answers the decision's guard; the complaint is worked on


def test_a_visit_before_the_complaint_does_not_count(cases, complain):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    spot_check_draw(actor=cases.bureau, seed=1)
    benefit_services.county_visit_record(
        actor=cases.bureau,
        application=application,
        visited_on=timezone.localdate(),
        visitors=[cases.bureau],
        result="confirmed",
        findings="抽查",
    )
    complain(household=application.household)
    with pytest.raises(WorkflowError) as blocked:
        benefit_services.application_county_approve(actor=cases.bureau, application=application)
    assert "complaint.county_visit_required" in blocked.value.codes


def test_a_closed_complaint_no_longer_blocks(cases, complain, reviewer_sunwu, caseworker_sunwu, auditor):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    complaint = work_to_investigated(
        complain(household=application.household, anonymous=True),
        reviewer=reviewer_sunwu,
        assignee=caseworker_sunwu,
        outcome="not_upheld",
    )
    services.complaint_close(actor=auditor, complaint=complaint, note="不属实")
    cases.ready_for_approval(application)
    benefit_services.application_county_approve(actor=cases.bureau, application=application)

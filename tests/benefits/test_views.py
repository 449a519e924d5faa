"""The case page and its steps in the browser's HTTP layer: roles, scope, guards as messages."""

import pytest
from django.urls import reverse

from benefits.models import ApplicationStatus

pytestmark = pytest.mark.django_db


def test_case_page_shows_timeline_missing_items_and_only_allowed_buttons(client, cases):
    application = cases.draft()
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:application", args=[application.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-step="submit"' in body
    assert 'data-step="township_approve"' not in body
    client.force_login(cases.reviewer)
    body = client.get(reverse("benefits:application", args=[application.pk])).content.decode()
    assert 'data-step="submit"' not in body


def test_caseworker_of_another_township_gets_404(client, cases, caseworker_chenqing):
    application = cases.draft()
    client.force_login(caseworker_chenqing)
    assert client.get(reverse("benefits:application", args=[application.pk])).status_code == 404
    url = reverse("benefits:application-step", args=[application.pk, "submit"])
    assert client.post(url).status_code == 404


def test_reviewer_posting_a_caseworker_step_gets_403(client, cases):
    application = cases.draft()
    client.force_login(cases.reviewer)
    response = client.post(reverse("benefits:application-step", args=[application.pk, "submit"]))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_unmet_guard_is_shown_on_the_form_and_nothing_changes(client, cases):
    application = cases.to(ApplicationStatus.EVALUATING)
    client.force_login(cases.caseworker)
    response = client.post(reverse("benefits:application-step", args=[application.pk, "finish_evaluation"]))
    assert response.status_code == 400
    assert "民主评议" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EVALUATING


def test_steps_through_http_move_the_case(client, cases):
    application = cases.to(ApplicationStatus.ACCEPTED)
    client.force_login(cases.caseworker)
    response = client.post(reverse("benefits:application-step", args=[application.pk, "start_investigation"]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVESTIGATING


def test_notice_list_shows_only_allowed_fields(client, cases):
    application = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    client.force_login(cases.caseworker)
    body = client.get(reverse("benefits:notices")).content.decode()
    head = application.household.members.get(relationship="head")
    assert application.applicant_name in body
    assert str(application.proposed_amount) in body
    assert head.id_number not in body
    assert head.id_number[:6] + "*" not in body
    assert application.household.address not in body


def test_written_notice_is_printable_and_scoped(client, cases, caseworker_chenqing):
    from benefits import services

    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    notice = services.application_county_reject(
        actor=cases.bureau, application=application, reason_code="false_declaration", comment="隐瞒车辆"
    )
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:written-notice", args=[notice.pk]))
    assert response.status_code == 200
    assert "隐瞒车辆" in response.content.decode()
    client.force_login(caseworker_chenqing)
    assert client.get(reverse("benefits:written-notice", args=[notice.pk])).status_code == 404


def test_admin_county_decision_approves_through_the_service(client, cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    client.force_login(cases.bureau)
    url = reverse("admin:benefits_application_decide", args=[application.pk])
    assert client.get(url).status_code == 200
    # Before the spot-check draw the decision is refused, with the reason on the page.
    response = client.post(url, {"decide": "1", "decision-decision": "approve"})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COUNTY_REVIEW
    cases.ready_for_approval(application)
    response = client.post(url, {"decide": "1", "decision-decision": "approve"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.benefit.monthly_amount > 0


def test_admin_has_no_editable_status(client, cases):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    client.force_login(cases.bureau)
    response = client.post(reverse("admin:benefits_application_change", args=[application.pk]), {"status": "approved"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COUNTY_REVIEW
    assert response.status_code in (403, 200, 302)


def test_admin_standard_edit_bumps_the_version_and_refuses_a_low_tekun_standard(client, bureau_reviewer):
    from benefits.models import Standard

    standard = Standard.objects.get(programme="tekun", year=2026)
    client.force_login(bureau_reviewer)
    url = reverse("admin:benefits_standard_change", args=[standard.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    data["tekun_basic"] = "100"
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["tekun_basic"]
    standard.refresh_from_db()
    assert standard.version == 1
    data["tekun_basic"] = "700"
    response = client.post(url, data)
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.version == 2
    assert standard.tekun_basic == 700

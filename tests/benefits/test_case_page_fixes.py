"""What a new caseworker and reviewer tripped over on the case pages (dead ends, raw displays)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.selectors import dashboard_figures
from benefits.models import ApplicationStatus, WrittenNotice

pytestmark = pytest.mark.django_db


def test_approved_case_starting_next_month_is_counted_apart_from_paying_ones(cases):
    application = cases.to(ApplicationStatus.APPROVED)
    today = timezone.localdate()
    assert application.benefit.start_month > today  # pays from next month
    rows, total = dashboard_figures(cases.bureau, on=today)
    assert total.covered_persons.get("dibao", 0) == 0
    assert total.starting_persons["dibao"] == 2
    assert total.starting_households["dibao"] == 1
    assert total.starting_total == application.benefit.monthly_amount
    sunwu = next(r for r in rows if r.name == "孙吴镇")
    assert sunwu.starting_households["dibao"] == 1


def test_dashboard_says_when_a_future_date_was_shown_as_today(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    future = timezone.localdate() + datetime.timedelta(days=90)
    response = client.get(reverse("dashboard"), {"on": future.isoformat()})
    assert response.context["on"] == timezone.localdate()
    assert response.context["clamped"] is True
    assert 'data-testid="as-of-clamped"' in response.content.decode()
    response = client.get(reverse("dashboard"))
    assert response.context["clamped"] is False
    assert 'data-testid="as-of-meaning"' in response.content.decode()


def test_benefit_change_form_fills_the_effective_month_in_the_date_input_format(client, cases):
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    client.force_login(cases.bureau)
    response = client.get(reverse("admin:benefits_benefit_decide", args=[benefit.pk]))
    first = timezone.localdate().replace(day=1)
    assert f'value="{first:%Y-%m-%d}"' in response.content.decode()


def test_a_step_url_opened_by_get_goes_back_to_the_case(client, cases):
    application = cases.to(ApplicationStatus.ACCEPTED)
    client.force_login(cases.caseworker)
    url = reverse("benefits:application-step", args=[application.pk, "start_investigation"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("benefits:application", args=[application.pk])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED  # a GET changes nothing
    assert client.put(url).status_code == 405


def test_a_step_url_by_get_is_still_refused_to_a_stranger(client, cases, caseworker_chenqing):
    application = cases.to(ApplicationStatus.ACCEPTED)
    client.force_login(caseworker_chenqing)
    url = reverse("benefits:application-step", args=[application.pk, "start_investigation"])
    response = client.post(url)
    assert response.status_code == 404


def test_timeline_starts_with_the_creation_not_draft_to_draft(client, cases):
    application = cases.draft()
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:application", args=[application.pk]))
    first = response.context["application"].transitions.all()[0]
    assert first.action == "create"
    timeline = response.content.decode().split('data-testid="timeline"')[1]
    assert "→" not in timeline.split("</li>")[0]


def test_dibao_township_review_does_not_ask_for_self_care_and_shows_the_proposal(client, cases):
    application = cases.to(ApplicationStatus.TOWNSHIP_REVIEW)
    client.force_login(cases.reviewer)
    response = client.get(reverse("benefits:application", args=[application.pk]))
    steps = {item["name"]: item for item in response.context["steps"]}
    assert "care_level" not in steps["township_approve"]["form"].fields
    proposal = response.context["proposal"]
    assert proposal["amount"] > 0
    application.refresh_from_db()
    assert application.proposed_amount is None  # the preview saves nothing
    # The step still works without the field.
    response = client.post(
        reverse("benefits:application-step", args=[application.pk, "township_approve"]),
        {"township_approve-opinion": "同意"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PUBLIC_NOTICE
    assert application.proposed_amount == proposal["amount"]


def test_tekun_township_review_still_asks_for_self_care():
    from benefits.models import Application
    from benefits.views import STEPS, _step_form

    tekun = _step_form("township_approve", STEPS["township_approve"], Application(programme="tekun"))
    dibao = _step_form("township_approve", STEPS["township_approve"], Application(programme="dibao"))
    assert "care_level" in tekun.fields
    assert "care_level" not in dibao.fields


def test_objection_resolution_field_is_not_labelled_as_a_decision():
    from django.utils import translation

    from benefits.forms import ObjectionResolveForm

    with translation.override("en"):
        assert str(ObjectionResolveForm().fields["upheld"].label) == "Outcome of the objection"


def test_township_staff_list_their_written_notices_and_see_them_on_the_household(client, cases, caseworker_chenqing):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.ready_for_approval(application)
    from benefits import services

    services.application_county_reject(
        actor=cases.bureau, application=application, reason_code="income_above_standard", comment="收入超标"
    )
    notice = WrittenNotice.objects.get(application=application)
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:written-notices"))
    assert response.status_code == 200
    assert [w.pk for w in response.context["page"]] == [notice.pk]
    household_page = client.get(reverse("households:detail", args=[application.household_id])).content.decode()
    assert reverse("benefits:written-notice", args=[notice.pk]) in household_page
    client.force_login(caseworker_chenqing)
    response = client.get(reverse("benefits:written-notices"))
    assert list(response.context["page"]) == []


def test_standards_are_in_the_admin_menu_of_the_bureau(client, bureau_reviewer, auditor, caseworker_sunwu):
    client.force_login(bureau_reviewer)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:benefits_standard_changelist") in index
    client.force_login(auditor)
    assert reverse("admin:benefits_standard_changelist") in client.get(reverse("admin:index")).content.decode()

"""The printable papers of a case: who may open them, what they carry (the browser test prints
each to PDF and counts its pages)."""

import pytest
from django.urls import reverse

from benefits import services
from benefits.models import ApplicationStatus, WrittenNotice
from benefits.selectors import written_notice_number
from sunwu_relief.authz import system
from sunwu_relief.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("paper", ["application", "authorisation", "approval"])
def test_caseworker_prints_each_paper_of_the_case_with_full_ids_logged(client, cases, paper):
    application = cases.to(ApplicationStatus.APPROVED)
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:application-paper", args=[application.pk, paper]))
    assert response.status_code == 200
    page = response.content.decode()
    head = application.household.members.get(relationship="head")
    if paper != "approval":  # the forms the family signs carry its own numbers
        assert head.id_number in page
    assert 'data-testid="paper"' in page
    assert AccessLog.objects.filter(user=cases.caseworker, full_id_numbers=True).exists()


def test_approval_form_carries_both_opinions_by_real_name(client, cases):
    from sunwu_relief.services import staff_create_or_update

    staff_create_or_update(
        actor=system("test"),
        username=cases.reviewer.username,
        role="township_reviewer",
        township=cases.reviewer.staff_profile.township,
        name="赵审核",
    )
    staff_create_or_update(actor=system("test"), username=cases.bureau.username, role="bureau_reviewer", name="钱审批")
    application = cases.to(ApplicationStatus.APPROVED)
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:application-paper", args=[application.pk, "approval"]))
    assert response.context["township_step"].action == "township_approve"
    assert response.context["county_step"].action == "county_approve"
    page = response.content.decode()
    assert "赵审核" in page
    assert "钱审批" in page
    assert str(application.benefit.monthly_amount) in page


def test_auditor_sees_masked_ids_on_papers(client, cases, auditor):
    application = cases.to(ApplicationStatus.ACCEPTED)
    client.force_login(auditor)
    page = client.get(reverse("benefits:application-paper", args=[application.pk, "application"])).content.decode()
    head = application.household.members.get(relationship="head")
    assert head.id_number not in page
    assert head.masked_id_number in page


def test_papers_of_another_township_and_unknown_papers_are_not_found(client, cases, caseworker_chenqing):
    application = cases.to(ApplicationStatus.ACCEPTED)
    client.force_login(caseworker_chenqing)
    assert client.get(reverse("benefits:application-paper", args=[application.pk, "application"])).status_code == 404
    client.force_login(cases.caseworker)
    assert client.get(reverse("benefits:application-paper", args=[application.pk, "nonsense"])).status_code == 404


def test_written_notices_are_numbered_in_order_within_the_year(cases):
    numbers = []
    for _ in range(2):
        application = cases.to(ApplicationStatus.COUNTY_REVIEW)
        cases.ready_for_approval(application)
        services.application_county_reject(
            actor=cases.bureau, application=application, reason_code="income_above_standard", comment="收入超标"
        )
        numbers.append(written_notice_number(WrittenNotice.objects.get(application=application)))
    year = WrittenNotice.objects.first().issued_on.year
    assert numbers == [f"〔{year}〕1号", f"〔{year}〕2号"]


def test_verification_form_prints_income_against_the_standard(client, cases):
    application = cases.to(ApplicationStatus.EVALUATING)
    visit = application.assessment.visits.get()
    client.force_login(cases.caseworker)
    response = client.get(reverse("assessments:visit-print", args=[visit.pk]))
    assert response.context["monthly_standard"] is not None
    assert response.context["per_capita"] == application.assessment.per_capita_income
    assert response.context["below_standard"] is True


def test_proof_of_service_of_a_written_notice(client, cases, caseworker_chenqing):
    application = cases.to(ApplicationStatus.COUNTY_REVIEW)
    cases.ready_for_approval(application)
    services.application_county_reject(
        actor=cases.bureau, application=application, reason_code="income_above_standard", comment="收入超标"
    )
    notice = WrittenNotice.objects.get(application=application)
    client.force_login(cases.caseworker)
    response = client.get(reverse("benefits:written-notice-receipt", args=[notice.pk]))
    assert response.status_code == 200
    assert response.context["document_number"] == written_notice_number(notice)
    assert notice.addressee in response.content.decode()
    client.force_login(caseworker_chenqing)
    assert client.get(reverse("benefits:written-notice-receipt", args=[notice.pk])).status_code == 404

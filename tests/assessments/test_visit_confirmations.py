"""Each investigator confirms a visit under their own log-in; the pages say what the
cross-check compared and show declarations in plain terms."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Source, VisitConfirmation
from assessments.selectors import signed_visit
from sunwu_relief.errors import NotAllowed, WorkflowError
from sunwu_relief.models import AuditEvent
from tests.assessments.conftest import VEHICLE_HEADERS, members_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(assessment_sunwu, caseworker_sunwu, caseworker2_sunwu):
    return services.visit_create(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        data=services.VisitData(
            visit_date=datetime.date(2026, 11, 20), household_confirmed=True, household_signatory="王大山"
        ),
        investigators=[caseworker_sunwu, caseworker2_sunwu],
    )


def test_one_investigators_confirmation_does_not_sign_the_visit(visit, caseworker_sunwu, caseworker2_sunwu):
    services.visit_sign(actor=caseworker_sunwu, visit=visit)
    visit.refresh_from_db()
    assert visit.signed_at is None
    assert signed_visit(visit.assessment) is None
    services.visit_sign(actor=caseworker_sunwu, visit=visit)  # again: still only one
    assert VisitConfirmation.objects.filter(visit=visit).count() == 1
    services.visit_sign(actor=caseworker2_sunwu, visit=visit)
    visit.refresh_from_db()
    assert visit.signed_at is not None
    assert signed_visit(visit.assessment) == visit
    assert AuditEvent.objects.filter(action="visit.confirm").count() == 2
    assert AuditEvent.objects.filter(action="visit.sign").count() == 1


def test_a_non_investigator_cannot_confirm(visit, reviewer_sunwu, caseworker_sunwu):
    with pytest.raises(NotAllowed):
        services.visit_sign(actor=reviewer_sunwu, visit=visit)


def test_a_change_of_the_record_withdraws_the_confirmations(visit, caseworker_sunwu, caseworker2_sunwu):
    services.visit_sign(actor=caseworker_sunwu, visit=visit)
    services.visit_update(
        actor=caseworker2_sunwu,
        visit=visit,
        data=services.VisitData(
            visit_date=datetime.date(2026, 11, 20),
            remarks="补充",
            household_confirmed=True,
            household_signatory="王大山",
        ),
        investigators=[caseworker_sunwu, caseworker2_sunwu],
    )
    assert not VisitConfirmation.objects.filter(visit=visit).exists()
    services.visit_sign(actor=caseworker2_sunwu, visit=visit)
    visit.refresh_from_db()
    assert visit.signed_at is None


def test_household_must_have_confirmed_before_an_investigator_confirms(
    assessment_sunwu, caseworker_sunwu, caseworker2_sunwu
):
    visit = services.visit_create(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        data=services.VisitData(visit_date=datetime.date(2026, 11, 20)),
        investigators=[caseworker_sunwu, caseworker2_sunwu],
    )
    with pytest.raises(WorkflowError) as exc:
        services.visit_sign(actor=caseworker_sunwu, visit=visit)
    assert "visit.household_not_confirmed" in exc.value.codes


def test_visit_page_shows_who_confirmed_and_asks_only_the_others(client, visit, caseworker_sunwu, caseworker2_sunwu):
    services.visit_sign(actor=caseworker_sunwu, visit=visit)
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("assessments:visit", args=[visit.pk]))
    assert response.context["i_confirmed"] is True
    assert 'id="sign-visit"' not in response.content.decode()
    client.force_login(caseworker2_sunwu)
    response = client.get(reverse("assessments:visit", args=[visit.pk]))
    assert response.context["i_confirmed"] is False
    assert 'id="sign-visit"' in response.content.decode()
    rows = {row["investigator"].pk: row["confirmed_at"] for row in response.context["confirmation_rows"]}
    assert rows[caseworker_sunwu.pk] is not None
    assert rows[caseworker2_sunwu.pk] is None


def test_household_page_title_is_only_text(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("assessments:household", args=[household_sunwu.pk])).content.decode()
    title = page.split("<title>")[1].split("</title>")[0]
    assert "<" not in title
    assert ">" not in title
    assert page.count('action="/assessments/township/cross-check/"') == 1


def test_cross_check_without_any_departmental_data_does_not_claim_no_discrepancy(
    client, caseworker_sunwu, assessment_sunwu, import_file
):
    client.force_login(caseworker_sunwu)
    services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu)
    page = client.get(reverse("assessments:detail", args=[assessment_sunwu.pk])).content.decode()
    assert 'data-testid="no-department-data"' in page
    assert 'data-testid="no-discrepancy"' not in page
    head, son = members_of(assessment_sunwu.household)
    import_file(Source.VEHICLE, VEHICLE_HEADERS, [[head.id_number, head.name, "黑N2", "小型轿车", None, None]])
    services.asset_add(
        actor=caseworker_sunwu, assessment=assessment_sunwu, member=head, kind="vehicle", quantity=Decimal("1")
    )
    services.cross_check(actor=caseworker_sunwu, assessment=assessment_sunwu)
    page = client.get(reverse("assessments:detail", args=[assessment_sunwu.pk])).content.decode()
    assert 'data-testid="no-department-data"' not in page


def test_deposits_show_their_value_without_a_quantity(client, caseworker_sunwu, assessment_sunwu):
    head, _son = members_of(assessment_sunwu.household)
    services.asset_add(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        member=head,
        kind="deposits",
        quantity=Decimal("1"),
        value=Decimal("5000"),
    )
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("assessments:detail", args=[assessment_sunwu.pk])).content.decode()
    assert "1.00 ·" not in page
    assert "5000" in page


def test_a_sign_url_opened_by_get_goes_back_to_the_visit(client, visit, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("assessments:visit-sign", args=[visit.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:visit", args=[visit.pk])
    assert not VisitConfirmation.objects.exists()

"""The caseworker's pages: declarations beside departmental data, forms, visits, scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import HouseholdVisit, IncomeDeclaration, Source
from tests.assessments.conftest import VEHICLE_HEADERS, members_of, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(assessment_sunwu, caseworker_sunwu, signed_visit_for):
    """One of each object of the app, in 孙吴镇."""
    head, son = members_of(assessment_sunwu.household)
    income = services.income_add(
        actor=caseworker_sunwu, assessment=assessment_sunwu, member=head, kind="farming", monthly_amount=Decimal("300")
    )
    asset = services.asset_add(
        actor=caseworker_sunwu, assessment=assessment_sunwu, member=head, kind="land", quantity=Decimal("12")
    )
    authorisation = services.authorisation_record(
        actor=caseworker_sunwu,
        assessment=assessment_sunwu,
        signed_on=datetime.date(2026, 11, 1),
        signatory="王大山",
        scan=scan(),
    )
    visit = signed_visit_for(assessment_sunwu)
    attachment_visit = services.visit_correct(actor=caseworker_sunwu, visit=visit)
    attachment = services.visit_attach(actor=caseworker_sunwu, visit=attachment_visit, file=scan("photo.pdf"))
    labour = services.labour_assessment_record(
        actor=caseworker_sunwu, member=son, result="normal", assessed_on=datetime.date(2026, 9, 1), document=scan()
    )
    return {
        "assessment": assessment_sunwu,
        "household": assessment_sunwu.household,
        "income": income,
        "asset": asset,
        "authorisation": authorisation,
        "visit": visit,
        "attachment": attachment,
        "labour": labour,
        "member": son,
    }


def urls_of(o: dict) -> list[tuple[str, str]]:
    a, v = o["assessment"].pk, o["visit"].pk
    return [
        ("get", reverse("assessments:household", args=[o["household"].pk])),
        ("post", reverse("assessments:start", args=[o["household"].pk])),
        ("get", reverse("assessments:detail", args=[a])),
        ("get", reverse("assessments:income-add", args=[a])),
        ("post", reverse("assessments:income-add", args=[a])),
        ("get", reverse("assessments:asset-add", args=[a])),
        ("post", reverse("assessments:declaration-remove", args=["income", o["income"].pk])),
        ("post", reverse("assessments:declaration-remove", args=["asset", o["asset"].pk])),
        ("get", reverse("assessments:authorisation", args=[a])),
        ("post", reverse("assessments:cross-check", args=[a])),
        ("post", reverse("assessments:finish", args=[a])),
        ("get", reverse("assessments:visit-new", args=[a])),
        ("get", reverse("assessments:visit", args=[v])),
        ("post", reverse("assessments:visit-sign", args=[v])),
        ("post", reverse("assessments:visit-correct", args=[v])),
        ("post", reverse("assessments:visit-attach", args=[v])),
        ("get", reverse("assessments:visit-print", args=[v])),
        ("get", reverse("assessments:labour-new", args=[o["member"].pk])),
        ("get", reverse("assessments:file", args=["authorisation", o["authorisation"].pk])),
        ("get", reverse("assessments:file", args=["attachment", o["attachment"].pk])),
        ("get", reverse("assessments:file", args=["labour", o["labour"].pk])),
    ]


def test_caseworker_of_other_township_gets_404_for_all_of_it(client, caseworker_chenqing, everything):
    client.force_login(caseworker_chenqing)
    for method, url in urls_of(everything):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert IncomeDeclaration.objects.filter(pk=everything["income"].pk).exists()


def test_own_caseworker_reaches_every_page(client, caseworker_sunwu, everything):
    client.force_login(caseworker_sunwu)
    for method, url in urls_of(everything):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)


def test_stranger_and_poverty_office_are_refused(client, stranger, poverty_office, everything):
    url = reverse("assessments:detail", args=[everything["assessment"].pk])
    for user in (stranger, poverty_office):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_page_shows_declarations_beside_departmental_data_and_highlights_discrepancy(
    client, caseworker_sunwu, assessment_sunwu, import_file
):
    head, son = members_of(assessment_sunwu.household)
    import_file(Source.VEHICLE, VEHICLE_HEADERS, [[son.id_number, son.name, "黑N12345", "小型轿车", None, None]])
    client.force_login(caseworker_sunwu)
    client.post(reverse("assessments:cross-check", args=[assessment_sunwu.pk]))
    page = client.get(reverse("assessments:detail", args=[assessment_sunwu.pk])).content.decode()
    assert 'id="discrepancies"' in page
    assert "黑N12345" in page
    assert 'class="flag"' in page


def test_income_form_gives_field_errors_and_saves(client, caseworker_sunwu, assessment_sunwu):
    head, _ = members_of(assessment_sunwu.household)
    client.force_login(caseworker_sunwu)
    url = reverse("assessments:income-add", args=[assessment_sunwu.pk])
    response = client.post(url, {"member": head.pk, "kind": "wages", "monthly_amount": "-5"})
    assert response.status_code == 200
    assert "monthly_amount" in response.context["form"].errors
    response = client.post(url, {"member": head.pk, "kind": "wages", "monthly_amount": "1200.50"})
    assert response.status_code == 302
    assert IncomeDeclaration.objects.get().monthly_amount == Decimal("1200.50")


def test_member_of_another_household_cannot_be_chosen(client, caseworker_sunwu, assessment_sunwu, make_household):
    other = make_household(caseworker_sunwu)
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("assessments:income-add", args=[assessment_sunwu.pk]),
        {"member": other.members.get().pk, "kind": "wages", "monthly_amount": "1"},
    )
    assert response.status_code == 200
    assert "member" in response.context["form"].errors


def test_signed_visit_cannot_be_edited_through_the_page(
    client, caseworker_sunwu, caseworker2_sunwu, assessment_sunwu, signed_visit_for
):
    visit = signed_visit_for(assessment_sunwu)
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("assessments:visit", args=[visit.pk]),
        {"visit_date": "2026-11-02", "investigators": [caseworker_sunwu.pk, caseworker2_sunwu.pk], "remarks": "改"},
    )
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.remarks == ""


def test_visit_with_one_investigator_is_refused_at_signing_with_a_message(client, caseworker_sunwu, assessment_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("assessments:visit-new", args=[assessment_sunwu.pk]),
        {
            "visit_date": "2026-11-02",
            "investigators": [caseworker_sunwu.pk],
            "household_confirmed": "on",
            "household_signatory": "王大山",
        },
    )
    visit = HouseholdVisit.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("assessments:visit-sign", args=[visit.pk]), follow=True)
    assert response.context["messages"]  # the refusal is shown as a message
    visit.refresh_from_db()
    assert visit.signed_at is None


def test_print_form_has_signature_lines_and_masks_ids(client, caseworker_sunwu, assessment_sunwu, signed_visit_for):
    visit = signed_visit_for(assessment_sunwu)
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("assessments:visit-print", args=[visit.pk])).content.decode()
    assert page.count('class="signatures"') == 1
    head = members_of(assessment_sunwu.household)[0]
    assert head.id_number not in page
    assert head.masked_id_number in page


def test_township_cross_check_page(client, caseworker_sunwu, assessment_sunwu, django_capture_on_commit_callbacks):
    client.force_login(caseworker_sunwu)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:township-cross-check"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_household_page_links_to_economic_status(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("households:detail", args=[household_sunwu.pk])).content.decode()
    assert reverse("assessments:household", args=[household_sunwu.pk]) in page


def test_form_errors_are_in_chinese(client, caseworker_sunwu, assessment_sunwu):
    import re

    from django.utils import translation

    client.force_login(caseworker_sunwu)
    response = client.post(reverse("assessments:income-add", args=[assessment_sunwu.pk]), {"kind": "wages"})
    errors = response.context["form"].errors
    with translation.override("zh-hans"):
        assert errors["member"] == [translation.gettext("Choose a member.")]
    assert re.search(r"[\u4e00-\u9fff]", errors["monthly_amount"][0])  # Django's own 该字段是必填项。


def test_assessment_page_queries_do_not_grow_with_members_and_records(
    client, caseworker_sunwu, make_household, import_file
):
    from tests.conftest import member_data

    def page_queries(n_members: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        household = make_household(
            caseworker_sunwu, members=[member_data(relationship="son") for _ in range(n_members)]
        )
        assessment = services.assessment_start(actor=caseworker_sunwu, household=household)
        members = list(household.members.all())
        for member in members:
            services.income_add(
                actor=caseworker_sunwu, assessment=assessment, member=member, kind="wages", monthly_amount=Decimal("10")
            )
        import_file(
            Source.VEHICLE,
            VEHICLE_HEADERS,
            [[m.id_number, m.name, f"黑N{m.pk:05d}", "小型轿车", None, None] for m in members],
        )
        services.cross_check(actor=caseworker_sunwu, assessment=assessment)
        client.force_login(caseworker_sunwu)
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 200
        return len(context.captured_queries)

    few, many = page_queries(1), page_queries(6)
    print(f"assessment page: {few} queries")
    assert few == many

"""A masked ID number (231124********6878) hides exactly the 8 birth-date digits: wherever the
number is masked, no channel may give the birth date back (UI, printed forms, API, admin)."""

import datetime

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from households import services
from households.models import Member
from sunwu_relief.roles import Role
from tests.conftest import make_user, member_data, new_id_number

BORN = "19731129"


def birth_date_forms(day: datetime.date) -> list[str]:
    """Every way a page may write the date."""
    return [
        f"{day:%Y%m%d}",
        f"{day:%Y-%m-%d}",
        f"{day:%Y/%m/%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y-%m-}{day.day}",
        f"{day:%b}. {day.day}, {day.year}",
        f"{day:%B} {day.day}, {day.year}",
    ]


def assert_no_birth_date(body: str, member: Member) -> None:
    for text in birth_date_forms(member.birth_date):
        assert text not in body, text
    assert member.id_number not in body


@pytest.fixture
def born_1973(household_sunwu, caseworker_sunwu) -> Member:
    return services.member_add(
        actor=caseworker_sunwu,
        household=household_sunwu,
        data=member_data(name="王秋菊", relationship="daughter", id_number=new_id_number(born=BORN, male=False)),
    )


# --- UI -----------------------------------------------------------------------------------------


def test_auditor_sees_the_age_not_the_birth_date_on_the_household_page(client, auditor, born_1973):
    client.force_login(auditor)
    response = client.get(reverse("households:detail", args=[born_1973.household_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert born_1973.masked_id_number in body
    assert_no_birth_date(body, born_1973)
    assert f"<td>{born_1973.age}</td>" in body


def test_caseworker_still_sees_the_birth_date_beside_the_full_number(client, caseworker_sunwu, born_1973):
    client.force_login(caseworker_sunwu)
    body = client.get(reverse("households:detail", args=[born_1973.household_id])).content.decode()
    assert born_1973.id_number in body
    assert "1973-11-29" in body


@pytest.mark.parametrize("persona", ["auditor", "caseworker_sunwu"])
def test_economic_status_page_shows_ages_only(client, request, persona, born_1973):
    # No ID number there, but the list pages show every number masked to everyone: a birth date
    # here would rebuild the full number without an access-log row.
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("assessments:household", args=[born_1973.household_id]))
    assert response.status_code == 200
    assert_no_birth_date(response.content.decode(), born_1973)


@pytest.mark.parametrize("persona", ["auditor", "caseworker_sunwu"])
def test_printed_verification_form_carries_ages_not_birth_dates(
    client, request, persona, born_1973, caseworker_sunwu, township_sunwu
):
    assessment = assessment_services.assessment_start(actor=caseworker_sunwu, household=born_1973.household)
    second = make_user("cw2_sunwu", Role.CASEWORKER, township_sunwu)
    visit = assessment_services.visit_create(
        actor=caseworker_sunwu,
        assessment=assessment,
        data=assessment_services.VisitData(
            visit_date=datetime.date(2026, 11, 20), housing="砖房两间", household_signatory="王大山"
        ),
        investigators=[caseworker_sunwu, second],
    )
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("assessments:visit-print", args=[visit.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert born_1973.masked_id_number in body  # paper always masks
    assert_no_birth_date(body, born_1973)
    assert f"<td>{born_1973.age_on(datetime.date(2026, 11, 20))}</td>" in body


def test_auditor_cannot_search_the_registry_by_the_start_of_an_id_number(client, auditor, born_1973):
    client.force_login(auditor)
    prefix = born_1973.id_number[:12]  # region code and birth year and month
    page = client.get(reverse("households:list"), {"q": prefix}).context["page"]
    assert list(page) == []
    whole = client.get(reverse("households:list"), {"q": born_1973.id_number}).context["page"]
    assert [h.pk for h in whole] == [born_1973.household_id]


def test_caseworker_still_finds_a_household_by_the_start_of_an_id_number(client, caseworker_sunwu, born_1973):
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("households:list"), {"q": born_1973.id_number[:12]}).context["page"]
    assert [h.pk for h in page] == [born_1973.household_id]


# --- API ----------------------------------------------------------------------------------------


def _api_member(client, user, member: Member) -> dict:
    client.force_login(user)
    response = client.get(reverse("api:household-detail", args=[member.household_id]))
    assert response.status_code == 200
    body = response.content.decode()
    rows = [m for m in response.json()["members"] if m["name"] == member.name]
    return {"row": rows[0], "body": body}


def test_api_gives_a_masked_caller_a_null_birth_date(client, auditor, born_1973):
    got = _api_member(client, auditor, born_1973)
    assert got["row"]["id_number"] == born_1973.masked_id_number
    assert "birth_date" in got["row"]
    assert got["row"]["birth_date"] is None
    assert_no_birth_date(got["body"], born_1973)


@pytest.mark.parametrize("persona", ["bureau_reviewer", "poverty_office"])
def test_api_gives_full_id_callers_the_birth_date(client, request, persona, born_1973):
    got = _api_member(client, request.getfixturevalue(persona), born_1973)
    assert got["row"]["id_number"] == born_1973.id_number
    assert got["row"]["birth_date"] == "1973-11-29"


def test_api_search_by_the_start_of_an_id_number_is_for_full_id_callers_only(
    client, auditor, bureau_reviewer, born_1973
):
    url = reverse("api:household-list")
    client.force_login(auditor)
    assert client.get(url, {"search": born_1973.id_number[:12]}).json()["count"] == 0
    assert client.get(url, {"search": born_1973.id_number}).json()["count"] == 1
    client.force_login(bureau_reviewer)
    assert client.get(url, {"search": born_1973.id_number[:12]}).json()["count"] == 1


def test_schema_documents_the_null_birth_date(client, auditor):
    client.force_login(auditor)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    member = schema["components"]["schemas"]["Member"]["properties"]["birth_date"]
    assert member.get("nullable") is True
    assert "masked" in member["description"]


# --- admin --------------------------------------------------------------------------------------


def test_admin_member_pages_give_the_auditor_no_birth_date(client, auditor, born_1973):
    client.force_login(auditor)
    pages = [
        reverse("admin:households_member_changelist"),
        reverse("admin:households_member_change", args=[born_1973.pk]),
        reverse("admin:households_household_change", args=[born_1973.household_id]),  # the members inline
        reverse("admin:households_member_history", args=[born_1973.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_birth_date(response.content.decode(), born_1973)


def test_admin_member_history_hides_an_old_birth_date_from_the_auditor(client, auditor, caseworker_sunwu, born_1973):
    old = born_1973.birth_date
    services.member_update(
        actor=caseworker_sunwu,
        member=born_1973,
        data=member_data(name="王秋菊", relationship="daughter", id_number=new_id_number(born="19800505", male=False)),
    )
    client.force_login(auditor)
    body = client.get(reverse("admin:households_member_history", args=[born_1973.pk])).content.decode()
    for day in (old, datetime.date(1980, 5, 5)):
        for text in birth_date_forms(day):
            assert text not in body, text
    for record in born_1973.history.all():
        page = client.get(reverse("admin:households_member_simple_history", args=[born_1973.pk, record.pk]))
        assert page.status_code == 200
        for text in birth_date_forms(record.birth_date):
            assert text not in page.content.decode(), text


@pytest.mark.parametrize(
    "query",
    [
        {"birth_date__year": "1973"},
        {"birth_date__gte": "1973-11-01"},
        {"id_number__startswith": "231124197311"},
        {"id_number__regex": "^2311241973"},
    ],
)
def test_admin_changelists_refuse_lookups_on_id_numbers_and_birth_dates(client, auditor, born_1973, query):
    client.force_login(auditor)
    for name in ("households_member", "audits_finding", "assessments_departmentrecord", "households_ledgerrecord"):
        response = client.get(reverse(f"admin:{name}_changelist"), query)
        assert response.status_code == 400, (name, query)


def test_bureau_reviewer_sees_the_birth_date_beside_the_full_number_in_the_admin(client, bureau_reviewer, born_1973):
    client.force_login(bureau_reviewer)
    body = client.get(reverse("admin:households_member_change", args=[born_1973.pk])).content.decode()
    assert born_1973.id_number in body
    assert "1973-11-29" in body

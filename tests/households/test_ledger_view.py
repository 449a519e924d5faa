"""The household page's ledger view stays inside the household's township: ledger household
numbers repeat across townships, and typing in a ledger-only person's ID number as a new member
must not pull that person's family (names, full ID numbers) into view."""

import pytest
from django.urls import reverse

from households import services
from households.ledger import ledger_import_rows
from sunwu_relief.authz import system
from tests.conftest import member_data, new_id_number
from tests.ledger_builders import ledger_row


def import_rows(rows: list[dict]) -> None:
    result = ledger_import_rows(rows, actor=system("test"))
    assert result.succeeded, [str(e) for e in result.errors]


def rows_for(household, *, number: str) -> list[dict]:
    return [
        ledger_row(
            household_number=number,
            name=member.name,
            id_number=member.id_number,
            relationship="户主" if member.relationship == "head" else "之子",
            township=household.township.name,
            village=household.village.name,
        )
        for member in household.members.order_by("id")
    ]


@pytest.fixture
def chenqing_family(household_chenqing) -> list[dict]:
    """A ledger-only family of 辰清镇 (nobody of it in our registry)."""
    village = household_chenqing.village.name
    return [
        ledger_row(
            household_number="L-1",
            name="赵铁柱",
            id_number=new_id_number(born="19550202"),
            relationship="户主",
            township="辰清镇",
            village=village,
        ),
        ledger_row(
            household_number="L-1",
            name="赵小梅",
            id_number=new_id_number(born="19900303", male=False),
            relationship="之女",
            township="辰清镇",
            village=village,
        ),
    ]


def _page(client, user, household) -> tuple[str, list]:
    client.force_login(user)
    response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    return response.content.decode(), response.context["ledger_lines"]


@pytest.mark.parametrize("persona", ["caseworker_sunwu", "bureau_reviewer", "auditor"])
def test_a_shared_ledger_household_number_shows_no_other_townships_people(
    client, request, persona, household_sunwu, chenqing_family
):
    import_rows(rows_for(household_sunwu, number="L-1") + chenqing_family)
    body, lines = _page(client, request.getfixturevalue(persona), household_sunwu)
    assert len(lines) == household_sunwu.members.count()
    for person in chenqing_family:
        assert person["name"] not in body
        assert person["id_number"] not in body


def test_adding_a_ledger_only_person_of_another_township_pulls_in_nobody_else(
    client, caseworker_sunwu, household_sunwu, chenqing_family
):
    import_rows(chenqing_family)
    head, daughter = chenqing_family
    services.member_add(
        actor=caseworker_sunwu,
        household=household_sunwu,
        data=member_data(name=head["name"], relationship="father", id_number=head["id_number"]),
    )
    body, lines = _page(client, caseworker_sunwu, household_sunwu)
    assert daughter["name"] not in body
    assert daughter["id_number"] not in body
    assert all(line.member is not None for line in lines)


def test_the_ledger_only_people_of_the_households_own_township_are_still_shown(
    client, caseworker_sunwu, household_sunwu
):
    grandmother = ledger_row(
        household_number="L-9",
        name="王奶奶",
        id_number=new_id_number(born="19400101", male=False),
        relationship="之母",
        township=household_sunwu.township.name,
        village=household_sunwu.village.name,
    )
    import_rows([*rows_for(household_sunwu, number="L-9"), grandmother])
    body, lines = _page(client, caseworker_sunwu, household_sunwu)
    assert [line.record.name for line in lines if line.member is None] == ["王奶奶"]
    assert grandmother["id_number"] in body  # the caseworker sees full numbers

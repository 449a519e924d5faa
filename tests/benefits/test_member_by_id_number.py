"""The forms that name a member of the registry (a medical claim, a temporary case, a one-door
request and its link to a member) take the member's full ID number in a text box: the pages do
not list every member in scope (seconds a page at a county's 140,000), their queries do not grow
with the members, and a member outside the user's scope, or no one, is a field error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.intake.models import IntakeRequest
from benefits.intake.services import IntakeData, intake_register
from tests.conftest import member_data, new_id_number

pytestmark = pytest.mark.django_db

PAGES = ["benefits:medical-claim-create", "benefits:temporary-create", "benefits:intake-create", "intake"]


def _url(name: str, caseworker) -> str:
    if name != "intake":
        return reverse(name)
    intake = IntakeRequest.objects.order_by("pk").first() or intake_register(
        actor=caseworker,
        data=IntakeData(channel="phone", kind="dibao", requester_name="刘明", request="申请低保", person_name="刘明"),
    )
    return reverse("benefits:intake", args=[intake.pk])


def _households(make_household, caseworker, n: int) -> None:
    for _ in range(n):
        make_household(caseworker, members=[member_data(name="王小", relationship="son", id_number=new_id_number())])


@pytest.mark.parametrize("page", PAGES)
def test_the_page_lists_no_member_and_its_queries_do_not_grow_with_them(page, client, caseworker_sunwu, make_household):
    client.force_login(caseworker_sunwu)
    url = _url(page, caseworker_sunwu)

    def ask() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    _households(make_household, caseworker_sunwu, 3)
    few, body = ask()
    assert 'input type="text" name="member"' in body
    assert "王小" not in body  # no member offered in a list
    _households(make_household, caseworker_sunwu, 9)
    assert ask()[0] == few


def test_a_temporary_case_for_a_member_named_by_the_id_number(
    client, caseworker_sunwu, household_sunwu, make_household
):
    from benefits.temporary.models import TemporaryCase

    head = household_sunwu.members.get(relationship="head")
    client.force_login(caseworker_sunwu)
    data = {"kind": "emergency", "cause": "accident", "circumstances": "房屋失火", "amount": "800", "form": "cash"}
    response = client.post(reverse("benefits:temporary-create"), {**data, "member": head.id_number.lower()})
    assert response.status_code == 302
    assert TemporaryCase.objects.get().member == head


def test_a_member_outside_the_scope_or_unknown_is_a_field_error(
    client, caseworker_sunwu, household_chenqing, bureau_reviewer
):
    from benefits.intake.models import IntakeRequest

    other = household_chenqing.members.get(relationship="head")
    client.force_login(caseworker_sunwu)
    data = {"channel": "phone", "kind": "dibao", "requester_name": "刘明", "request": "申请低保"}
    for number in (other.id_number, new_id_number(), "not a number"):
        response = client.post(reverse("benefits:intake-create"), {**data, "member": number})
        assert response.status_code == 200
        assert response.context["form"].errors.as_data()["member"][0].code == "invalid_choice"
    assert not IntakeRequest.objects.exists()

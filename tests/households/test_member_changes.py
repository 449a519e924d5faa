"""Moving a member, removing one (death, marriage out, moved away), adding a duplicate, and the
member form's relationship; the registry list's search and filters."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import Member
from households.selectors import household_list, removed_members
from sunwu_relief.errors import InvalidInput, OutOfScope
from sunwu_relief.models import AuditEvent
from tests.conftest import member_data, new_id_number

pytestmark = pytest.mark.django_db


def test_adding_a_member_twice_to_the_same_household_says_so(caseworker_sunwu, household_sunwu):
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput) as exc:
        services.member_add(
            actor=caseworker_sunwu,
            household=household_sunwu,
            data=member_data(name=son.name, id_number=son.id_number, relationship="son"),
        )
    assert "member.already_in_household" in exc.value.codes


def test_adding_a_member_of_another_household_points_to_the_move(caseworker_sunwu, household_sunwu, make_household):
    son = household_sunwu.members.get(relationship="son")
    other = make_household(caseworker_sunwu, head=member_data(name="李四", relationship="head"))
    with pytest.raises(InvalidInput) as exc:
        services.member_add(
            actor=caseworker_sunwu,
            household=other,
            data=member_data(name=son.name, id_number=son.id_number, relationship="son"),
        )
    assert "member.in_other_household" in exc.value.codes


def test_caseworker_moves_a_member_through_the_form(client, caseworker_sunwu, household_sunwu, make_household):
    son = household_sunwu.members.get(relationship="son")
    other = make_household(caseworker_sunwu, head=member_data(name="李四", relationship="head"))
    client.force_login(caseworker_sunwu)
    url = reverse("households:member-move", args=[son.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_household": "no-such", "relationship": "son", "reason": "婚嫁"})
    assert response.status_code == 200
    assert response.context["form"].errors["to_household"]
    response = client.post(url, {"to_household": other.number, "relationship": "son_in_law", "reason": "入赘"})
    assert response.status_code == 302
    son.refresh_from_db()
    assert son.household == other
    assert son.relationship == "son_in_law"
    page = client.get(reverse("households:detail", args=[household_sunwu.pk])).content.decode()
    assert other.number in page  # "moved out" on the old household


def test_move_to_a_household_of_another_township_is_not_found(
    client, caseworker_sunwu, household_sunwu, household_chenqing
):
    son = household_sunwu.members.get(relationship="son")
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:member-move", args=[son.pk]),
        {"to_household": household_chenqing.number, "relationship": "son", "reason": "迁"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["to_household"]
    son.refresh_from_db()
    assert son.household == household_sunwu


def test_removing_a_member_keeps_the_row_dated_with_its_reason_and_flags_reverification(
    client, caseworker_sunwu, household_sunwu
):
    son = household_sunwu.members.get(relationship="son")
    client.force_login(caseworker_sunwu)
    url = reverse("households:member-remove", args=[son.pk])
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(url, {"reason": "death", "removed_on": day.isoformat(), "note": "死亡证明"})
    assert response.status_code == 302
    assert list(household_sunwu.members.all()) == [household_sunwu.members.get(relationship="head")]
    kept = Member.all_objects.get(pk=son.pk)
    assert (kept.removed_on, kept.removal_reason) == (day, "death")
    assert kept.history.count() >= 2  # the removal is in the member's history
    assert list(removed_members(household_sunwu)) == [kept]
    event = AuditEvent.objects.get(action="member.remove")
    assert event.detail["reverification_required"] is True
    page = client.get(reverse("households:detail", args=[household_sunwu.pk])).content.decode()
    assert 'data-testid="reverification-note"' in page
    assert household_list(caseworker_sunwu).get(pk=household_sunwu.pk).size == 1
    # A double submit does nothing more.
    services.member_remove(actor=caseworker_sunwu, member=kept, reason="death", removed_on=day)
    assert AuditEvent.objects.filter(action="member.remove").count() == 1


def test_a_removed_person_can_be_registered_again_elsewhere(caseworker_sunwu, household_sunwu, make_household):
    son = household_sunwu.members.get(relationship="son")
    services.member_remove(actor=caseworker_sunwu, member=son, reason="married_out", removed_on=timezone.localdate())
    other = make_household(caseworker_sunwu, head=member_data(name="李四", relationship="head"))
    again = services.member_add(
        actor=caseworker_sunwu,
        household=other,
        data=member_data(name=son.name, id_number=son.id_number, relationship="son_in_law"),
    )
    assert again.pk != son.pk


def test_removal_needs_a_reason_a_past_date_and_not_the_head_of_others(caseworker_sunwu, household_sunwu):
    head = household_sunwu.members.get(relationship="head")
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(InvalidInput) as exc:
        services.member_remove(actor=caseworker_sunwu, member=son, reason="", removed_on=timezone.localdate())
    assert "member.removal_reason" in exc.value.codes
    with pytest.raises(InvalidInput) as exc:
        services.member_remove(
            actor=caseworker_sunwu,
            member=son,
            reason="death",
            removed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "member.removal_future" in exc.value.codes
    with pytest.raises(InvalidInput) as exc:
        services.member_remove(actor=caseworker_sunwu, member=head, reason="death", removed_on=timezone.localdate())
    assert "member.removal_head" in exc.value.codes


def test_only_the_townships_caseworker_removes(client, caseworker_chenqing, reviewer_sunwu, household_sunwu):
    son = household_sunwu.members.get(relationship="son")
    with pytest.raises(OutOfScope):
        services.member_remove(actor=caseworker_chenqing, member=son, reason="death", removed_on=timezone.localdate())
    client.force_login(reviewer_sunwu)
    response = client.post(
        reverse("households:member-remove", args=[son.pk]),
        {"reason": "death", "removed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert Member.objects.filter(pk=son.pk).exists()


def test_add_member_form_preselects_no_relationship_and_offers_head_only_when_missing(
    client, caseworker_sunwu, household_sunwu
):
    client.force_login(caseworker_sunwu)
    form = client.get(reverse("households:member-add", args=[household_sunwu.pk])).context["form"]
    choices = [value for value, _label in form.fields["relationship"].choices]
    assert choices[0] == ""
    assert "head" not in choices
    head = household_sunwu.members.get(relationship="head")
    form = client.get(reverse("households:member-edit", args=[head.pk])).context["form"]
    assert "head" in [value for value, _label in form.fields["relationship"].choices]


def test_search_by_the_last_digits_of_an_id_number(client, caseworker_sunwu, make_household):
    number = new_id_number()
    household = make_household(caseworker_sunwu, head=member_data(name="赵六", relationship="head", id_number=number))
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("households:list"), {"q": number[-6:]})
    assert [h.pk for h in response.context["page"]] == [household.pk]
    response = client.get(reverse("households:list"), {"q": number[-2:]})  # too short to mean a tail
    assert household.pk not in [h.pk for h in response.context["page"]]


def test_village_filter_says_all_and_registered_poor_yes_excludes_those_out_of_poverty(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    form = client.get(reverse("households:list")).context["form"]
    from django.utils import translation

    with translation.override("en"):
        assert str(form.fields["village"].empty_label) == "All"
    values = [value for value, _label in form.fields["registered_poor"].choices]
    assert values == ["", "true", "out", "false"]

"""The admin for county staff: read-only registry, masked like every other channel."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from households import services
from households.models import Household, Member
from sunwu_relief.models import AccessLog
from tests.conftest import member_data, new_id_number


@pytest.fixture
def son_sunwu(household_sunwu) -> Member:
    return household_sunwu.members.get(relationship="son")


def test_bureau_reviewer_opens_the_household_changelist(client, bureau_reviewer, household_sunwu, household_chenqing):
    client.force_login(bureau_reviewer)
    response = client.get(reverse("admin:households_household_changelist"))
    assert response.status_code == 200
    assert {h.pk for h in response.context["cl"].result_list} == {household_sunwu.pk, household_chenqing.pk}


def test_bureau_reviewer_change_page_is_read_only(client, bureau_reviewer, household_sunwu):
    client.force_login(bureau_reviewer)
    response = client.get(reverse("admin:households_household_change", args=[household_sunwu.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    body = response.content.decode()
    for field in ("address", "hukou_number", "village", "classification"):
        assert f'name="{field}"' not in body, field
    assert 'name="_save"' not in body
    assert household_sunwu.address in body  # shown, as text


def test_bureau_reviewer_cannot_post_a_change_add_or_delete(client, bureau_reviewer, household_sunwu):
    client.force_login(bureau_reviewer)
    change = client.post(
        reverse("admin:households_household_change", args=[household_sunwu.pk]),
        {"address": "改", "village": household_sunwu.village_id},
    )
    assert change.status_code == 403
    assert client.get(reverse("admin:households_household_add")).status_code == 403
    assert client.post(reverse("admin:households_household_delete", args=[household_sunwu.pk])).status_code == 403
    household_sunwu.refresh_from_db()
    assert household_sunwu.address == "一组1号"


def test_bureau_reviewer_sees_full_ids_and_the_opening_is_logged(client, bureau_reviewer, son_sunwu):
    client.force_login(bureau_reviewer)
    response = client.get(reverse("admin:households_household_change", args=[son_sunwu.household_id]))
    assert son_sunwu.id_number in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.user, entry.channel, entry.full_id_numbers) == (bureau_reviewer, "admin", True)


def test_auditor_sees_masked_ids_on_the_household_change_page(client, auditor, son_sunwu):
    client.force_login(auditor)
    response = client.get(reverse("admin:households_household_change", args=[son_sunwu.household_id]))
    assert response.status_code == 200
    body = response.content.decode()
    for member in son_sunwu.household.members.all():
        assert member.masked_id_number in body
        assert member.id_number not in body


def test_auditor_sees_masked_ids_in_the_member_changelist_and_change_page(client, auditor, son_sunwu):
    client.force_login(auditor)
    changelist = client.get(reverse("admin:households_member_changelist")).content.decode()
    change = client.get(reverse("admin:households_member_change", args=[son_sunwu.pk])).content.decode()
    for body in (changelist, change):
        assert son_sunwu.masked_id_number in body
        assert son_sunwu.id_number not in body


def test_auditor_member_history_hides_old_and_new_id_numbers(client, auditor, caseworker_sunwu, son_sunwu):
    old_id = son_sunwu.id_number
    new_id = new_id_number(born="19990909")
    services.member_update(
        actor=caseworker_sunwu,
        member=son_sunwu,
        data=member_data(name=son_sunwu.name, id_number=new_id, relationship="son", phone="13912345678"),
    )
    client.force_login(auditor)
    history = client.get(reverse("admin:households_member_history", args=[son_sunwu.pk]))
    assert history.status_code == 200
    version = son_sunwu.history.earliest().history_id
    form = client.get(reverse("admin:households_member_simple_history", args=[son_sunwu.pk, version]))
    assert form.status_code == 200
    for body in (history.content.decode(), form.content.decode()):
        for secret in (old_id, new_id, "13912345678"):
            assert secret not in body


def test_masking_in_the_member_admin_follows_the_request_not_the_last_request(auditor, bureau_reviewer, son_sunwu):
    """The ModelAdmin is shared by all threads: one user's request must not decide another's view."""
    model_admin = admin.site._registry[Member]
    auditor_request = RequestFactory().get("/")
    auditor_request.user = auditor
    bureau_request = RequestFactory().get("/")
    bureau_request.user = bureau_reviewer

    auditor_rows = model_admin.get_queryset(auditor_request)
    model_admin.get_queryset(bureau_request)  # another request interleaves
    member = auditor_rows.get(pk=son_sunwu.pk)

    assert model_admin.shown_id_number(member) == son_sunwu.masked_id_number


def test_auditor_search_by_id_number_does_not_echo_it_for_other_members(client, auditor, son_sunwu):
    client.force_login(auditor)
    response = client.get(reverse("admin:households_household_changelist"), {"q": son_sunwu.id_number})
    assert [h.pk for h in response.context["cl"].result_list] == [son_sunwu.household_id]


def test_caseworker_is_sent_to_the_admin_log_in(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(reverse("admin:households_household_changelist"))
    assert response.status_code == 302


def test_poverty_office_has_no_admin(client, poverty_office):
    client.force_login(poverty_office)
    assert client.get("/admin/").status_code == 302


def test_audit_trail_is_read_only_in_the_admin(client, bureau_reviewer, household_sunwu):
    client.force_login(bureau_reviewer)
    response = client.get(reverse("admin:sunwu_relief_auditevent_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert client.get(reverse("admin:sunwu_relief_auditevent_add")).status_code == 403
    event = response.context["cl"].result_list[0]
    assert client.post(reverse("admin:sunwu_relief_auditevent_delete", args=[event.pk])).status_code == 403


def test_households_in_the_admin_never_show_a_township_users_scope_to_others(db, auditor, household_sunwu):
    model_admin = admin.site._registry[Household]
    request = RequestFactory().get("/")
    request.user = auditor
    assert list(model_admin.get_queryset(request)) == [household_sunwu]


def test_bureau_reviewer_member_history_shows_the_id_number_change(
    client, bureau_reviewer, caseworker_sunwu, son_sunwu
):
    old_id = son_sunwu.id_number
    new_id = new_id_number(born="19990909")
    services.member_update(
        actor=caseworker_sunwu,
        member=son_sunwu,
        data=member_data(name=son_sunwu.name, id_number=new_id, relationship="son", phone="13912345678"),
    )
    client.force_login(bureau_reviewer)
    body = client.get(reverse("admin:households_member_history", args=[son_sunwu.pk])).content.decode()
    assert old_id in body
    assert new_id in body
    assert "13912345678" not in body  # the telephone is never shown in the admin

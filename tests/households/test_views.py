"""Browser pages of the registry: log-in, scope (404), roles (403), masking, search, forms, queries."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from households.models import Household, LedgerRecord, Member, PovertyStatus
from households.services import member_ledger_flags_refresh
from sunwu_relief.models import AccessLog
from tests.conftest import member_data, new_id_number


def _pks(response) -> set[int]:
    return {household.pk for household in response.context["page"].object_list}


def _in_chinese(msgid: str) -> str:
    """What the page shows for an English msgid (follows the catalogue as translations land)."""
    with translation.override("zh-hans"):
        return escape(gettext(msgid))


@pytest.fixture
def son_sunwu(household_sunwu) -> Member:
    return household_sunwu.members.get(relationship="son")


# --- log-in and roles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/households/",
        "/households/new/",
        "/households/1/",
        "/households/1/edit/",
        "/households/1/members/new/",
        "/households/members/1/edit/",
    ],
)
def test_anonymous_user_is_sent_to_the_log_in_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_township_reviewer_may_not_open_the_create_page(client, reviewer_sunwu):
    client.force_login(reviewer_sunwu)
    assert client.get(reverse("households:create")).status_code == 403


def test_township_reviewer_may_not_post_a_new_household(client, reviewer_sunwu, township_sunwu):
    client.force_login(reviewer_sunwu)
    response = client.post(
        reverse("households:create"),
        {"village": township_sunwu.villages.first().pk, "head-name": "某某", "head-id_number": new_id_number()},
    )
    assert response.status_code == 403
    assert not Household.objects.exists()


@pytest.mark.parametrize("persona", ["reviewer_sunwu", "bureau_reviewer", "auditor"])
def test_roles_that_may_not_edit_get_403_on_edit_pages_inside_their_scope(client, request, persona, son_sunwu):
    client.force_login(request.getfixturevalue(persona))
    household = son_sunwu.household
    for url in (
        reverse("households:edit", args=[household.pk]),
        reverse("households:member-add", args=[household.pk]),
        reverse("households:member-edit", args=[son_sunwu.pk]),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["poverty_office", "stranger"])
def test_roles_without_registry_pages_get_403(client, request, persona, household_sunwu):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("households:list")).status_code == 403
    assert client.get(reverse("households:detail", args=[household_sunwu.pk])).status_code == 403


def test_stranger_dashboard_shows_nothing(client, stranger, household_sunwu):
    client.force_login(stranger)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["totals"]["households"] == 0
    assert list(response.context["by_township"]) == []


# --- scope: another township is 404 ---------------------------------------------------------


def test_caseworker_cannot_open_household_of_other_township(client, caseworker_chenqing, household_sunwu):
    client.force_login(caseworker_chenqing)
    assert client.get(reverse("households:detail", args=[household_sunwu.pk])).status_code == 404


def test_caseworker_of_other_township_gets_404_on_every_edit_page(client, caseworker_chenqing, son_sunwu):
    household = son_sunwu.household
    client.force_login(caseworker_chenqing)
    for url in (
        reverse("households:edit", args=[household.pk]),
        reverse("households:member-add", args=[household.pk]),
        reverse("households:member-edit", args=[son_sunwu.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"address": "改", "name": "改名"}).status_code == 404, url
    household.refresh_from_db()
    son_sunwu.refresh_from_db()
    assert household.address == "一组1号"
    assert son_sunwu.name == "王小明"


def test_reviewer_of_other_township_gets_404_on_detail(client, reviewer_sunwu, household_chenqing):
    client.force_login(reviewer_sunwu)
    assert client.get(reverse("households:detail", args=[household_chenqing.pk])).status_code == 404


def test_household_list_shows_only_the_users_township(client, caseworker_sunwu, household_sunwu, household_chenqing):
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("households:list"))
    assert _pks(response) == {household_sunwu.pk}
    assert response.context["page"].paginator.count == 1


def test_county_roles_list_every_township(client, bureau_reviewer, household_sunwu, household_chenqing):
    client.force_login(bureau_reviewer)
    assert _pks(client.get(reverse("households:list"))) == {household_sunwu.pk, household_chenqing.pk}


def test_caseworker_cannot_pick_a_village_of_another_township(client, caseworker_sunwu, household_sunwu):
    from households.models import Township

    chenqing_village = Township.objects.get(name="辰清镇").villages.first()
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:edit", args=[household_sunwu.pk]), {"village": chenqing_village.pk, "address": "x"}
    )
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    household_sunwu.refresh_from_db()
    assert household_sunwu.village.township.name == "孙吴镇"


# --- masking and the access log -------------------------------------------------------------


def test_auditor_sees_masked_id_numbers_on_the_detail_page(client, auditor, son_sunwu):
    client.force_login(auditor)
    response = client.get(reverse("households:detail", args=[son_sunwu.household_id]))
    assert response.status_code == 200
    for member in son_sunwu.household.members.all():
        assert member.masked_id_number in response.content.decode()
        assert member.id_number not in response.content.decode()


def test_caseworker_sees_full_id_numbers_and_the_opening_is_logged(client, caseworker_sunwu, son_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("households:detail", args=[son_sunwu.household_id]), REMOTE_ADDR="10.1.2.3")
    assert son_sunwu.id_number in response.content.decode()
    entry = AccessLog.objects.get()
    assert entry.user == caseworker_sunwu
    assert (entry.object_type, entry.object_id) == ("households.household", str(son_sunwu.household_id))
    assert entry.channel == "ui"
    assert entry.full_id_numbers is True
    assert entry.ip_address == "10.1.2.3"


def test_auditor_opening_records_health_data_but_not_full_ids(client, auditor, son_sunwu):
    client.force_login(auditor)
    client.get(reverse("households:detail", args=[son_sunwu.household_id]))
    entry = AccessLog.objects.get()
    assert (entry.user, entry.full_id_numbers, entry.health_data) == (auditor, False, True)


def test_list_page_masks_id_numbers_even_for_full_id_roles(client, caseworker_sunwu, son_sunwu):
    head = son_sunwu.household.members.get(relationship="head")
    client.force_login(caseworker_sunwu)
    body = client.get(reverse("households:list")).content.decode()
    assert head.masked_id_number in body
    assert head.id_number not in body
    assert not AccessLog.objects.exists()


def test_other_township_404_writes_no_access_log(client, caseworker_chenqing, household_sunwu):
    client.force_login(caseworker_chenqing)
    client.get(reverse("households:detail", args=[household_sunwu.pk]))
    assert not AccessLog.objects.exists()


# --- search and filters ---------------------------------------------------------------------


@pytest.fixture
def two_households(make_household, caseworker_sunwu, township_sunwu):
    villages = list(township_sunwu.villages.order_by("id")[:2])
    first = make_household(caseworker_sunwu, village=villages[0], head=member_data(name="赵桂芝", relationship="head"))
    second = make_household(caseworker_sunwu, village=villages[1], head=member_data(name="钱多多", relationship="head"))
    return first, second


def test_search_by_part_of_a_name(client, caseworker_sunwu, two_households):
    first, _second = two_households
    client.force_login(caseworker_sunwu)
    assert _pks(client.get(reverse("households:list"), {"q": "桂芝"})) == {first.pk}


def test_search_by_full_id_number(client, caseworker_sunwu, two_households):
    _first, second = two_households
    id_number = second.members.get().id_number
    client.force_login(caseworker_sunwu)
    assert _pks(client.get(reverse("households:list"), {"q": f" {id_number} "})) == {second.pk}


def test_search_by_id_number_with_lower_case_x(client, caseworker_sunwu, make_household):
    from households.ids import check_code

    first17 = "23112419550101001"
    while check_code(first17) != "X":
        first17 = first17[:14] + f"{int(first17[14:]) + 2:03d}"
    household = make_household(caseworker_sunwu, members=[member_data(id_number=first17 + "X")])
    make_household(caseworker_sunwu)
    client.force_login(caseworker_sunwu)
    assert _pks(client.get(reverse("households:list"), {"q": first17 + "x"})) == {household.pk}


def test_search_by_pinyin_initials(client, caseworker_sunwu, two_households):
    first, second = two_households
    client.force_login(caseworker_sunwu)
    assert _pks(client.get(reverse("households:list"), {"q": "zgz"})) == {first.pk}
    assert _pks(client.get(reverse("households:list"), {"q": "QDD"})) == {second.pk}


def test_search_finds_a_household_by_a_member_who_is_not_the_head(client, caseworker_sunwu, son_sunwu, two_households):
    client.force_login(caseworker_sunwu)
    assert _pks(client.get(reverse("households:list"), {"q": "王小明"})) == {son_sunwu.household_id}


def test_search_never_reaches_another_township(client, caseworker_chenqing, household_chenqing, son_sunwu):
    client.force_login(caseworker_chenqing)
    for term in (son_sunwu.name, son_sunwu.id_number, son_sunwu.name_initials):
        assert _pks(client.get(reverse("households:list"), {"q": term})) == set(), term


def test_filter_by_village(client, caseworker_sunwu, two_households):
    first, second = two_households
    client.force_login(caseworker_sunwu)
    assert _pks(client.get(reverse("households:list"), {"village": second.village_id})) == {second.pk}


def test_filter_by_registered_poor(client, caseworker_sunwu, two_households):
    first, second = two_households
    head = first.members.get()
    LedgerRecord.objects.create(
        id_number=head.id_number,
        name=head.name,
        household_number="L-1",
        relationship="head",
        township=first.township,
        village=first.village,
        poverty_attribute="一般贫困户",
        poverty_status=PovertyStatus.NOT_OUT,
    )
    member_ledger_flags_refresh()  # as the ledger import does after its writes
    client.force_login(caseworker_sunwu)
    assert _pks(client.get(reverse("households:list"), {"registered_poor": "true"})) == {first.pk}
    assert _pks(client.get(reverse("households:list"), {"registered_poor": "false"})) == {second.pk}


def test_list_is_paged(client, caseworker_sunwu, make_household):
    from households.views import PAGE_SIZE

    for _ in range(PAGE_SIZE + 1):
        make_household(caseworker_sunwu)
    client.force_login(caseworker_sunwu)
    first = client.get(reverse("households:list"))
    second = client.get(reverse("households:list"), {"page": 2})
    assert len(_pks(first)) == PAGE_SIZE
    assert len(_pks(second)) == 1
    assert _pks(first).isdisjoint(_pks(second))


def _list_with_households(client, django_assert_num_queries, user, make_household, count: int) -> None:
    for _ in range(count):
        make_household(user, members=[member_data(), member_data(relationship="daughter")])
    client.force_login(user)
    # 1 session, 2 user, 3 staff profile (role), 4 count for the paginator, 5 the user's township (page
    # header), 6 villages for the filter, 7 the page of households with township, village, size and
    # ledger flags, 8 the heads of that page (prefetch), 9 the county settings (page footer),
    # 10-12 savepoint, session save, release. The list shows no benefit: none are read.
    with django_assert_num_queries(12):
        response = client.get(reverse("households:list"))
    assert response.status_code == 200
    assert len(_pks(response)) == min(count, 25)


def test_list_query_count_with_few_households(client, django_assert_num_queries, caseworker_sunwu, make_household):
    _list_with_households(client, django_assert_num_queries, caseworker_sunwu, make_household, 2)


def test_list_query_count_with_a_full_page_of_households(
    client, django_assert_num_queries, caseworker_sunwu, make_household
):
    _list_with_households(client, django_assert_num_queries, caseworker_sunwu, make_household, 30)


# --- forms ----------------------------------------------------------------------------------


def _create_form(village, **head) -> dict:
    data = {"village": village.pk, "address": "五组8号", "hukou_number": "7788", "head-name": "孙二娘"}
    data.update({f"head-{k}": v for k, v in head.items()})
    return data


def test_caseworker_creates_a_household_through_the_form(client, caseworker_sunwu, township_sunwu):
    village = township_sunwu.villages.first()
    id_number = new_id_number(male=False)
    client.force_login(caseworker_sunwu)
    response = client.post(reverse("households:create"), _create_form(village, id_number=id_number))
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    head = household.members.get()
    assert (head.name, head.id_number, head.relationship) == ("孙二娘", id_number, "head")


def test_create_household_with_a_bad_id_shows_the_chinese_error_and_writes_nothing(
    client, caseworker_sunwu, township_sunwu
):
    good = new_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    client.force_login(caseworker_sunwu)
    response = client.post(reverse("households:create"), _create_form(township_sunwu.villages.first(), id_number=bad))
    assert response.status_code == 200
    assert response.context["head_form"].errors["id_number"]
    assert _in_chinese("The ID number's check digit is wrong.") in response.content.decode()
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def test_create_household_with_a_short_id_names_the_length(client, caseworker_sunwu, township_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.post(reverse("households:create"), _create_form(township_sunwu.villages.first(), id_number="123"))
    with translation.override("zh-hans"):
        expected = escape(gettext("The ID number must have 18 characters, it has %(length)d.") % {"length": 3})
    assert expected in response.content.decode()
    assert not Household.objects.exists()


def test_create_household_in_another_townships_village_is_refused(client, caseworker_sunwu, township_chenqing):
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:create"), _create_form(township_chenqing.villages.first(), id_number=new_id_number())
    )
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Household.objects.exists()


def test_adding_a_person_already_registered_shows_an_error(client, caseworker_sunwu, son_sunwu, make_household):
    other = make_household(caseworker_sunwu)
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:member-add", args=[other.pk]),
        {"name": son_sunwu.name, "id_number": son_sunwu.id_number, "relationship": "son"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert other.members.count() == 1


def test_a_second_head_is_shown_as_a_relationship_error(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:member-add", args=[household_sunwu.pk]),
        {"name": "新户主", "id_number": new_id_number(), "relationship": "head"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["relationship"]
    # 户主 is not even offered where the household has one; nothing preselected.
    choices = dict(response.context["form"].fields["relationship"].choices)
    assert "head" not in choices
    assert response.context["form"]["relationship"].value() == "head"


def test_caseworker_edits_a_member_through_the_form(client, caseworker_sunwu, son_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:member-edit", args=[son_sunwu.pk]),
        {
            "name": "王晓明",
            "id_number": son_sunwu.id_number,
            "relationship": "son",
            "disability_kind": "limb",
            "disability_grade": "2",
        },
    )
    assert response.status_code == 302
    son_sunwu.refresh_from_db()
    assert (son_sunwu.name, son_sunwu.disability_kind, son_sunwu.disability_grade) == ("王晓明", "limb", 2)


def test_member_edit_form_shows_current_values(client, caseworker_sunwu, son_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.get(reverse("households:member-edit", args=[son_sunwu.pk]))
    assert response.context["form"].initial["id_number"] == son_sunwu.id_number
    assert response.context["form"].initial["name"] == son_sunwu.name


def test_caseworker_edits_a_household_through_the_form(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    response = client.post(
        reverse("households:edit", args=[household_sunwu.pk]),
        {"village": household_sunwu.village_id, "address": "二组3号", "hukou_number": "55"},
    )
    assert response.status_code == 302
    household_sunwu.refresh_from_db()
    assert household_sunwu.address == "二组3号"


def test_caseworker_without_township_sees_no_household(client, household_sunwu):
    from sunwu_relief.models import StaffProfile
    from tests.conftest import make_user

    user = make_user("cw_nowhere", "caseworker", household_sunwu.township)
    StaffProfile.objects.filter(user=user).update(township=None)  # fail closed, not open
    client.force_login(user)
    assert _pks(client.get(reverse("households:list"))) == set()
    assert client.get(reverse("households:detail", args=[household_sunwu.pk])).status_code == 404


def test_posted_township_is_ignored_by_the_edit_form(client, caseworker_sunwu, household_sunwu, township_chenqing):
    client.force_login(caseworker_sunwu)
    client.post(
        reverse("households:edit", args=[household_sunwu.pk]),
        {
            "village": household_sunwu.village_id,
            "address": "二组3号",
            "township": township_chenqing.pk,
            "number": "HACKED",
            "classification": "key",
        },
    )
    household_sunwu.refresh_from_db()
    assert household_sunwu.township != township_chenqing
    assert household_sunwu.number != "HACKED"
    assert household_sunwu.classification == "general"  # computed, never taken from input
    assert household_sunwu.address == "二组3号"


def test_search_with_a_nul_character_is_not_a_server_error(client, caseworker_sunwu, household_sunwu):
    client.force_login(caseworker_sunwu)
    assert client.get(reverse("households:list"), {"q": "王\x00"}).status_code == 200

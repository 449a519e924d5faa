"""REST API for households (docs/interfaces.md §5): tokens, scope, roles, masking, filters, pages, queries."""

from io import StringIO

import pytest
from django.core.management import call_command
from knox.models import AuthToken

from households.models import LedgerRecord, PovertyStatus
from households.services import member_ledger_flags_refresh
from sunwu_relief.models import AccessLog
from tests.conftest import member_data

LIST = "/api/v1/households/"


def detail_url(pk: int) -> str:
    return f"/api/v1/households/{pk}/"


def token_for(user) -> str:
    _instance, token = AuthToken.objects.create(user=user)
    return token


@pytest.fixture
def api(client):
    """api(user) → a function GETting with that user's token."""

    def for_user(user):
        headers = {"HTTP_AUTHORIZATION": f"Token {token_for(user)}"}

        def get(url: str, params: dict | None = None):
            return client.get(url, params or {}, **headers)

        return get

    return for_user


@pytest.fixture
def son_sunwu(household_sunwu):
    household_sunwu.members.filter(relationship="son").update(
        serious_illness=True, disability_kind="limb", disability_grade=2
    )
    return household_sunwu.members.get(relationship="son")


# --- authentication and roles ---------------------------------------------------------------


def test_list_without_token_is_401(client, household_sunwu):
    response = client.get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_detail_without_token_is_401(client, household_sunwu):
    assert client.get(detail_url(household_sunwu.pk)).status_code == 401


def test_invalid_token_is_401(client, household_sunwu):
    assert client.get(LIST, HTTP_AUTHORIZATION="Token " + "0" * 64).status_code == 401


def test_token_printed_by_issue_api_token_works(client, caseworker_sunwu, household_sunwu):
    out = StringIO()
    call_command("issue_api_token", caseworker_sunwu.username, stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [household_sunwu.pk]


def test_stranger_without_role_gets_403(api, stranger, household_sunwu):
    get = api(stranger)
    assert get(LIST).status_code == 403
    assert get(detail_url(household_sunwu.pk)).status_code == 403


def test_session_user_without_role_gets_403_too(client, stranger, household_sunwu):
    client.force_login(stranger)
    assert client.get(LIST).status_code == 403


# --- scope ----------------------------------------------------------------------------------


def test_caseworker_gets_404_for_household_of_other_township(api, caseworker_chenqing, household_sunwu):
    response = api(caseworker_chenqing)(detail_url(household_sunwu.pk))
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_other_township_looks_exactly_like_a_missing_household(api, caseworker_chenqing, household_sunwu):
    get = api(caseworker_chenqing)
    hidden = get(detail_url(household_sunwu.pk))
    missing = get(detail_url(household_sunwu.pk + 1000))
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_list_shows_only_the_callers_township(api, caseworker_chenqing, household_sunwu, household_chenqing):
    body = api(caseworker_chenqing)(LIST).json()
    assert body["count"] == 1
    assert [item["id"] for item in body["results"]] == [household_chenqing.pk]


def test_township_filter_cannot_widen_the_scope(api, caseworker_chenqing, household_sunwu, household_chenqing):
    body = api(caseworker_chenqing)(LIST, {"township": "孙吴镇"}).json()
    assert body["count"] == 0


# --- items, masking, health data ------------------------------------------------------------


def test_list_item_has_the_contract_fields(api, poverty_office, household_sunwu):
    item = api(poverty_office)(LIST).json()["results"][0]
    head = household_sunwu.members.get(relationship="head")
    assert item == {
        "id": household_sunwu.pk,
        "number": household_sunwu.number,
        "township": "孙吴镇",
        "village": household_sunwu.village.name,
        "head_name": head.name,
        "head_id_number": head.id_number,
        "size": 2,
        "classification": "general",  # the head, 46, has labour capacity (docs/rules.md)
        "registered_poor": False,
        "out_of_poverty": False,
        "benefits": [],
    }


def test_poverty_office_sees_full_ids_and_no_health_data(api, poverty_office, son_sunwu):
    body = api(poverty_office)(detail_url(son_sunwu.household_id)).json()
    members = {m["name"]: m for m in body["members"]}
    son = members[son_sunwu.name]
    assert son["id_number"] == son_sunwu.id_number
    assert son["serious_illness"] is None
    assert son["disability"] is None
    entry = AccessLog.objects.get()
    assert (entry.user, entry.channel, entry.full_id_numbers, entry.health_data) == (poverty_office, "api", True, False)


def test_auditor_sees_masked_ids_and_health_data(api, auditor, son_sunwu):
    body = api(auditor)(detail_url(son_sunwu.household_id)).json()
    head = son_sunwu.household.members.get(relationship="head")
    assert body["head_id_number"] == head.masked_id_number
    son = next(m for m in body["members"] if m["name"] == son_sunwu.name)
    assert son["id_number"] == son_sunwu.masked_id_number
    assert son["id_number"].startswith(son_sunwu.id_number[:6])
    assert son["id_number"].endswith(son_sunwu.id_number[-4:])
    assert "*" * 8 in son["id_number"]
    assert son["serious_illness"] is True
    assert son["disability"] == "limb:2"
    entry = AccessLog.objects.get()
    assert (entry.full_id_numbers, entry.health_data) == (False, True)


def test_auditor_list_masks_head_id_numbers(api, auditor, household_sunwu):
    head = household_sunwu.members.get(relationship="head")
    item = api(auditor)(LIST).json()["results"][0]
    assert item["head_id_number"] == head.masked_id_number
    assert not AccessLog.objects.exists()  # nothing sensitive was shown


def test_list_with_full_id_numbers_logs_each_household_shown(api, poverty_office, household_sunwu, household_chenqing):
    api(poverty_office)(LIST, {"page_size": 1})
    entry = AccessLog.objects.get()
    assert (entry.user, entry.channel, entry.full_id_numbers) == (poverty_office, "api", True)
    shown = min(household_sunwu, household_chenqing, key=lambda h: (h.township.code, h.number))
    assert entry.object_ids == [str(shown.pk)]


def test_a_page_of_households_is_one_access_log_row_naming_them_all(
    api, poverty_office, household_sunwu, household_chenqing
):
    api(poverty_office)(LIST)
    entry = AccessLog.objects.get()
    assert entry.object_type == "households.household"
    assert sorted(entry.object_ids) == sorted([str(household_sunwu.pk), str(household_chenqing.pk)])


def test_no_full_id_number_anywhere_in_an_auditors_response(api, auditor, son_sunwu):
    text = api(auditor)(detail_url(son_sunwu.household_id)).content.decode()
    for member in son_sunwu.household.members.all():
        assert member.id_number not in text


def test_detail_has_members_with_contract_fields(api, caseworker_sunwu, son_sunwu):
    body = api(caseworker_sunwu)(detail_url(son_sunwu.household_id)).json()
    assert body["size"] == 2
    son = next(m for m in body["members"] if m["name"] == son_sunwu.name)
    assert son == {
        "name": son_sunwu.name,
        "id_number": son_sunwu.id_number,
        "relationship": "son",
        "sex": son_sunwu.sex,
        "birth_date": son_sunwu.birth_date.isoformat(),
        "labour_capacity": "",
        "disability": "limb:2",
        "serious_illness": True,
    }


def test_household_without_head_is_listed_with_null_head(api, bureau_reviewer, household_sunwu):
    # A household whose head moved out is still listed (never a 500).
    household_sunwu.members.filter(relationship="head").update(relationship="other")
    item = api(bureau_reviewer)(LIST).json()["results"][0]
    assert (item["head_name"], item["head_id_number"]) == (None, None)


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def county(make_household, caseworker_sunwu, caseworker_chenqing, township_sunwu):
    villages = list(township_sunwu.villages.order_by("id")[:2])
    a = make_household(caseworker_sunwu, village=villages[0], head=member_data(name="赵桂芝", relationship="head"))
    b = make_household(caseworker_sunwu, village=villages[1], head=member_data(name="钱多多", relationship="head"))
    c = make_household(caseworker_chenqing, head=member_data(name="孙立新", relationship="head"))
    return a, b, c


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_township_filter_by_name(api, bureau_reviewer, county):
    a, b, c = county
    get = api(bureau_reviewer)
    assert _ids(get(LIST, {"township": "孙吴镇"})) == {a.pk, b.pk}
    assert _ids(get(LIST, {"township": "辰清镇"})) == {c.pk}
    assert _ids(get(LIST, {"township": "不存在镇"})) == set()


def test_village_filter_by_name(api, bureau_reviewer, county):
    a, b, _c = county
    assert _ids(api(bureau_reviewer)(LIST, {"village": b.village.name})) == {b.pk}


def test_search_by_name_id_number_and_initials(api, bureau_reviewer, county):
    a, b, c = county
    get = api(bureau_reviewer)
    assert _ids(get(LIST, {"search": "桂芝"})) == {a.pk}
    assert _ids(get(LIST, {"search": b.members.get().id_number})) == {b.pk}
    assert _ids(get(LIST, {"search": "slx"})) == {c.pk}


def test_registered_poor_filter(api, bureau_reviewer, county):
    a, b, c = county
    head = b.members.get()
    LedgerRecord.objects.create(
        id_number=head.id_number,
        name=head.name,
        household_number="L-9",
        relationship="head",
        township=b.township,
        village=b.village,
        poverty_attribute="一般贫困户",
        poverty_status=PovertyStatus.OUT,
        exit_year=2020,
    )
    member_ledger_flags_refresh()  # as the ledger import does after its writes
    get = api(bureau_reviewer)
    assert _ids(get(LIST, {"registered_poor": "true"})) == {b.pk}
    assert _ids(get(LIST, {"registered_poor": "false"})) == {a.pk, c.pk}
    item = get(detail_url(b.pk)).json()
    assert (item["registered_poor"], item["out_of_poverty"]) == (True, True)


def test_classification_filter(api, bureau_reviewer, county):
    a, b, c = county
    get = api(bureau_reviewer)
    assert _ids(get(LIST, {"classification": "key"})) == set()
    response = get(LIST, {"classification": "nonsense"})
    assert response.status_code == 400
    assert "classification" in response.json()


# --- pages ----------------------------------------------------------------------------------


def test_pages_have_count_next_previous_results(api, bureau_reviewer, county):
    get = api(bureau_reviewer)
    first = get(LIST, {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = get(LIST, {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert {i["id"] for i in first["results"]}.isdisjoint({i["id"] for i in second["results"]})


@pytest.mark.parametrize("page_size", ["1000000", "501", "0", "-1", "abc", "1e3"])
def test_bad_page_size_is_400(api, bureau_reviewer, household_sunwu, page_size):
    response = api(bureau_reviewer)(LIST, {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_largest_page_size_is_accepted(api, bureau_reviewer, household_sunwu):
    assert api(bureau_reviewer)(LIST, {"page_size": "500"}).status_code == 200


def test_page_beyond_the_last_is_a_clear_4xx(api, bureau_reviewer, household_sunwu):
    response = api(bureau_reviewer)(LIST, {"page": "99"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999"])
def test_nonsense_detail_id_is_404_not_500(api, bureau_reviewer, pk):
    assert api(bureau_reviewer)(f"/api/v1/households/{pk}/").status_code == 404


@pytest.mark.parametrize("search", ["𠮷", "阿卜杜·热合曼", "\u200b", "' OR 1=1 --", "%", "_" * 200])
def test_odd_search_terms_never_fail(api, bureau_reviewer, household_sunwu, search):
    assert api(bureau_reviewer)(LIST, {"search": search}).status_code == 200


def test_nul_character_in_a_filter_is_a_400(api, bureau_reviewer, household_sunwu):
    # PostgreSQL refuses NUL in a string literal: it must be stopped before the query.
    assert api(bureau_reviewer)(LIST, {"search": "王\x00"}).status_code == 400


def test_the_household_api_is_read_only(client, bureau_reviewer, caseworker_sunwu, household_sunwu):
    for user in (bureau_reviewer, caseworker_sunwu):
        headers = {"HTTP_AUTHORIZATION": f"Token {token_for(user)}"}
        created = client.post(LIST, {"number": "X", "township": "孙吴镇"}, content_type="application/json", **headers)
        assert created.status_code == 405
        changed = client.patch(
            detail_url(household_sunwu.pk), {"township": "辰清镇"}, content_type="application/json", **headers
        )
        assert changed.status_code == 405
        assert client.delete(detail_url(household_sunwu.pk), **headers).status_code == 405
    household_sunwu.refresh_from_db()
    assert household_sunwu.township.name == "孙吴镇"


# --- queries --------------------------------------------------------------------------------


def _query_count_for(
    client, django_assert_num_queries, user, bureau_reviewer, make_household, households: int, page_size: int
):
    from benefits.migration import roll_import
    from tests.audits.conftest import roll_xlsx

    homes = [
        make_household(user, members=[member_data(), member_data(relationship="daughter")]) for _ in range(households)
    ]
    # Every household with a running benefit and its decision (the legacy-roll service).
    assert roll_import(actor=bureau_reviewer, source=roll_xlsx(homes), programme="dibao", source_name="test roll").ok
    headers = {"HTTP_AUTHORIZATION": f"Token {token_for(user)}"}
    # 1 the token with its user, 2 the user's other tokens (knox clears expired ones), 3 staff profile
    # (role), 4 count, 5 the page's keys (ordered and sliced without the per-row annotations), 6 the
    # page of households with township, village, size, ledger flags and head (a join), 7 the
    # benefits of that page, 8 their decisions, 9 the access log for the full ID numbers shown
    # (one insert; SQLite splits it every 124 rows, PostgreSQL never).
    with django_assert_num_queries(9):
        response = client.get(LIST, {"page_size": page_size}, **headers)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == min(households, page_size)
    assert all(item["benefits"][0]["programme"] == "dibao" for item in results)


def test_list_query_count_with_one_household(
    client, django_assert_num_queries, caseworker_sunwu, bureau_reviewer, make_household
):
    _query_count_for(client, django_assert_num_queries, caseworker_sunwu, bureau_reviewer, make_household, 1, 50)


def test_list_query_count_with_many_households_and_a_large_page(
    client, django_assert_num_queries, caseworker_sunwu, bureau_reviewer, make_household
):
    _query_count_for(client, django_assert_num_queries, caseworker_sunwu, bureau_reviewer, make_household, 12, 500)


@pytest.mark.parametrize(
    "query",
    [
        {"registered_poor": "null"},
        {"registered_poor": "1"},
        {"programme": ""},
        {"classification": ""},
        {"page_size": ""},
    ],
)
def test_a_filter_value_the_schema_does_not_allow_is_a_400(client, poverty_office, query):
    from knox.models import AuthToken

    _token, key = AuthToken.objects.create(user=poverty_office)
    response = client.get("/api/v1/households/", query, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400


def test_an_empty_page_is_a_404(client, poverty_office):
    from knox.models import AuthToken

    _token, key = AuthToken.objects.create(user=poverty_office)
    assert client.get("/api/v1/households/", {"page": ""}, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404

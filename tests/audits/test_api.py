"""The poverty office's API (docs/interfaces.md §5): ledger imports, assistance status, findings."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from knox.models import AuthToken

from audits.models import Finding
from audits.services import reconciliation_run
from households.ledger import ledger_import_job_run, ledger_import_rows
from households.models import LedgerRecord
from sunwu_relief.authz import system
from sunwu_relief.jobs import job_create
from sunwu_relief.logging import MaskIdNumbersFilter
from sunwu_relief.models import Job
from tests.audits.conftest import ledger_rows_for
from tests.conftest import new_id_number
from tests.ledger_builders import ledger_row, ledger_xlsx, zip_bomb

IMPORTS = "/api/v1/ledger-imports/"
STATUS = "/api/v1/assistance-status/"
FINDINGS = "/api/v1/reconciliation/findings/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def api(client: Client):
    """api(user) → a client whose requests carry that user's token."""

    def for_user(user):
        _instance, token = AuthToken.objects.create(user=user)
        headers = {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_ACCEPT_LANGUAGE": "en"}

        class Caller:
            def get(self, url, params=None):
                return client.get(url, params or {}, **headers)

            def post(self, url, data, **kwargs):
                kwargs.setdefault("content_type", "application/json")
                return client.post(url, data, **headers, **kwargs)

        return Caller()

    return for_user


# --- ledger imports ------------------------------------------------------------------------------


def test_poverty_office_imports_json_rows_and_follows_the_job(api, poverty_office, django_capture_on_commit_callbacks):
    caller = api(poverty_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = caller.post(IMPORTS, {"rows": [ledger_row(), ledger_row(name="尹秀杰", relationship="配偶")]})
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status", "url"}
    assert body["url"] == f"{IMPORTS}{body['id']}/"
    job = caller.get(body["url"]).json()
    assert job == {
        "id": body["id"],
        "status": "succeeded",
        "rows_total": 2,
        "rows_done": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "removed": 0,
        "errors": [],
    }
    assert Job.objects.get(pk=body["id"]).created_by == poverty_office
    assert Job.objects.filter(kind="reconciliation", status="succeeded").exists()  # queued after the import


def test_poverty_office_uploads_an_xlsx_ledger(api, poverty_office, django_capture_on_commit_callbacks, client):
    _instance, token = AuthToken.objects.create(user=poverty_office)
    upload = SimpleUploadedFile("台账.xlsx", ledger_xlsx([ledger_row()]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORTS, {"file": upload, "replace": "true"}, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 202, response.content
    job = api(poverty_office).get(response.json()["url"]).json()
    assert job["status"] == "succeeded"
    assert job["created"] == 1
    assert Job.objects.get(pk=job["id"]).params == {"replace": True, "source": "xlsx"}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"not an xlsx at all", {"row": None, "column": None, "message": "This file is not an Excel .xlsx file."}),
        (None, {"row": 4, "column": "身份证号", "message": "The ID number's check digit is wrong."}),
        ("bomb", None),
    ],
    ids=["not-xlsx", "bad-checksum", "zip-bomb"],
)
def test_a_bad_file_fails_the_job_with_every_error_and_writes_nothing(
    api, poverty_office, client, django_capture_on_commit_callbacks, data, error
):
    if data is None:
        data = ledger_xlsx([ledger_row(id_number="231124196210057061")])
    elif data == "bomb":
        data = zip_bomb()
    _instance, token = AuthToken.objects.create(user=poverty_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORTS,
            {"file": SimpleUploadedFile("x.xlsx", data)},
            HTTP_AUTHORIZATION=f"Token {token}",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 202
    job = api(poverty_office).get(response.json()["url"]).json()
    assert job["status"] == "failed"
    assert job["created"] == 0
    assert len(job["errors"]) == 1
    if error:
        assert job["errors"] == [error]
    assert not LedgerRecord.objects.exists()


def test_json_row_errors_name_the_row_and_key(api, poverty_office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(poverty_office).post(IMPORTS, {"rows": [ledger_row(), ledger_row(township="北京")]})
    job = api(poverty_office).get(response.json()["url"]).json()
    assert job["status"] == "failed"
    assert job["errors"] == [{"row": 2, "column": "township", "message": "“北京” is not a township of the county"}]


@pytest.mark.parametrize(
    "body",
    [{}, {"rows": []}, {"rows": "x"}, {"rows": [1, 2]}, {"rows": [{}], "replace": "maybe"}, [1]],
    ids=["empty", "no-rows", "rows-text", "rows-numbers", "replace-bad", "list"],
)
def test_malformed_json_is_a_400(api, poverty_office, body):
    response = api(poverty_office).post(IMPORTS, body)
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_wrong_content_type_is_a_415(api, poverty_office):
    response = api(poverty_office).post(IMPORTS, "rows", content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["caseworker_sunwu", "reviewer_sunwu", "bureau_reviewer", "auditor"])
def test_only_the_poverty_office_writes_the_ledger(request, api, persona):
    response = api(request.getfixturevalue(persona)).post(IMPORTS, {"rows": [ledger_row()]})
    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize(("persona", "code"), [("bureau_reviewer", 200), ("auditor", 200), ("caseworker_sunwu", 403)])
def test_who_may_follow_an_import(request, api, poverty_office, persona, code):
    job = job_create(kind="ledger_import", actor=poverty_office)
    assert api(request.getfixturevalue(persona)).get(f"{IMPORTS}{job.pk}/").status_code == code


def test_an_unknown_import_or_another_kind_of_job_is_a_404(api, poverty_office):
    other = job_create(kind="roll_export", actor=None)
    assert api(poverty_office).get(f"{IMPORTS}{other.pk}/").status_code == 404
    assert api(poverty_office).get(f"{IMPORTS}999999/").status_code == 404


def test_without_a_token_it_is_401(client):
    assert client.post(IMPORTS, {"rows": [ledger_row()]}, content_type="application/json").status_code == 401
    assert client.get(f"{STATUS}{new_id_number()}/").status_code == 401
    assert client.get(FINDINGS).status_code == 401


def test_a_redelivered_task_does_not_import_twice(api, poverty_office):
    response = api(poverty_office).post(IMPORTS, {"rows": [ledger_row()]})  # on-commit not run: still pending
    job_id = response.json()["id"]
    first = ledger_import_job_run(job_id=job_id)
    second = ledger_import_job_run(job_id=job_id)
    assert first.status == "succeeded"
    assert second is None
    assert Job.objects.get(pk=job_id).counts["created"] == 1
    assert LedgerRecord.objects.count() == 1


# --- assistance status ---------------------------------------------------------------------------


@pytest.fixture
def covered_sunwu(household_sunwu, cover):
    cover(household_sunwu)
    return household_sunwu


def test_status_of_a_covered_registered_poor_person(api, poverty_office, covered_sunwu, import_ledger):
    import_ledger(ledger_rows_for(covered_sunwu, number="L1"))
    head = covered_sunwu.members.get(relationship="head")
    response = api(poverty_office).get(f"{STATUS}{head.id_number}/")
    assert response.status_code == 200
    assert response.json() == {
        "id_number": head.id_number,
        "name": head.name,
        "household": covered_sunwu.pk,
        "programmes": [
            {"programme": "dibao", "status": "active", "monthly_amount": "600.00", "start_month": "2026-01"}
        ],
        "classification": "general",
        "registered_poor": True,
        "out_of_poverty": False,
    }


def test_status_of_a_person_only_the_ledger_knows(api, poverty_office, import_ledger):
    row = ledger_row(poverty_status="已脱贫", exit_year=2020)
    import_ledger([row])
    body = api(poverty_office).get(f"{STATUS}{row['id_number'].lower()}/").json()
    assert body["household"] is None
    assert body["programmes"] == []
    assert body["classification"] is None
    assert body["registered_poor"] is True
    assert body["out_of_poverty"] is True
    assert body["name"] == row["name"]


def test_status_of_an_unknown_person_is_404_and_of_an_invalid_number_400(api, poverty_office):
    assert api(poverty_office).get(f"{STATUS}{new_id_number()}/").status_code == 404
    response = api(poverty_office).get(f"{STATUS}231124196210057061/")
    assert response.status_code == 400
    assert response.json() == {"id_number": ["The ID number's check digit is wrong."]}
    for bad in ["123", "２３１１２４１９６２１００５７０６２", "231124196210057061%E2%80%8B", "23112419621005706x1"]:
        assert api(poverty_office).get(f"{STATUS}{bad}/").status_code == 400, bad


def test_township_roles_see_only_their_township(
    api, caseworker_chenqing, caseworker_sunwu, covered_sunwu, import_ledger
):
    head = covered_sunwu.members.get(relationship="head")
    import_ledger(ledger_rows_for(covered_sunwu, number="L1"))
    assert api(caseworker_chenqing).get(f"{STATUS}{head.id_number}/").status_code == 404
    assert api(caseworker_sunwu).get(f"{STATUS}{head.id_number}/").status_code == 200
    # A ledger-only person of 辰清镇 is visible to 辰清镇, not to 孙吴镇.
    row = ledger_row(township="辰清镇", village="春青村")
    import_ledger([row])
    assert api(caseworker_chenqing).get(f"{STATUS}{row['id_number']}/").status_code == 200
    assert api(caseworker_sunwu).get(f"{STATUS}{row['id_number']}/").status_code == 404


def test_a_member_outside_the_scope_is_not_shown_as_ledger_only(
    api, caseworker_chenqing, household_sunwu, import_ledger
):
    head = household_sunwu.members.get(relationship="head")
    import_ledger([ledger_row(id_number=head.id_number, name=head.name, township="辰清镇", village="春青村")])
    assert api(caseworker_chenqing).get(f"{STATUS}{head.id_number}/").status_code == 404


def test_stranger_gets_403(api, stranger):
    assert api(stranger).get(f"{STATUS}{new_id_number()}/").status_code == 403
    assert api(stranger).post(STATUS, {"id_numbers": [new_id_number()]}).status_code == 403
    assert api(stranger).get(FINDINGS).status_code == 403


def test_bulk_status_answers_results_and_unknown(api, poverty_office, covered_sunwu, import_ledger):
    head = covered_sunwu.members.get(relationship="head")
    row = ledger_row()
    import_ledger([row])
    unknown = new_id_number()
    response = api(poverty_office).post(
        STATUS, {"id_numbers": [head.id_number, unknown, row["id_number"], head.id_number]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [item["id_number"] for item in body["results"]] == [head.id_number, row["id_number"]]
    assert body["unknown"] == [unknown]


def test_bulk_status_names_every_invalid_number(api, poverty_office):
    response = api(poverty_office).post(STATUS, {"id_numbers": ["231124196210057061", new_id_number(), "12345"]})
    assert response.status_code == 400
    assert response.json()["id_numbers"] == [
        "231124196210057061: The ID number's check digit is wrong.",
        "12345: The ID number must have 18 characters, it has 5.",
    ]


@pytest.mark.parametrize(
    "body",
    [{}, {"id_numbers": []}, {"id_numbers": "231124196210057062"}, {"id_numbers": [None]}, {"id_numbers": [[1]]}],
    ids=["empty", "no-numbers", "text", "null", "nested"],
)
def test_bulk_status_rejects_malformed_bodies(api, poverty_office, body):
    assert api(poverty_office).post(STATUS, body).status_code == 400


def test_bulk_status_takes_at_most_1000(api, poverty_office):
    numbers = [new_id_number() for _ in range(1001)]
    assert api(poverty_office).post(STATUS, {"id_numbers": numbers}).status_code == 400
    assert api(poverty_office).post(STATUS, {"id_numbers": numbers[:1000]}).status_code == 200


def test_bulk_status_query_count_does_not_grow_with_the_numbers(
    api, poverty_office, covered_sunwu, django_assert_max_num_queries
):
    caller = api(poverty_office)
    numbers = [new_id_number() for _ in range(200)]
    # token, user+profile, members with households, their benefits, ledger, other members, townships, audit
    with django_assert_max_num_queries(12):
        caller.post(STATUS, {"id_numbers": numbers})


def test_bulk_status_of_known_people_takes_the_same_queries_for_more_households(
    api, poverty_office, make_household, caseworker_sunwu, cover, import_ledger
):
    """Members with benefits and decisions, ledger-only people: the queries do not grow with them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caller = api(poverty_office)

    def status_queries(households: int) -> int:
        homes = [make_household(caseworker_sunwu) for _ in range(households)]
        cover(*homes)
        import_ledger([row for i, h in enumerate(homes) for row in ledger_rows_for(h, number=f"L-{households}-{i}")])
        numbers = [m.id_number for h in homes for m in h.members.all()] + [new_id_number()]
        with CaptureQueriesContext(connection) as queries:
            response = caller.post(STATUS, {"id_numbers": numbers})
        assert response.status_code == 200
        assert len(response.json()["results"]) == len(numbers) - 1
        assert all(item["programmes"] for item in response.json()["results"])
        return len(queries)

    assert status_queries(1) == status_queries(3)


# --- findings ---------------------------------------------------------------------------------


@pytest.fixture
def two_findings(household_sunwu, household_chenqing, import_ledger):
    import_ledger(ledger_rows_for(household_sunwu, number="L-S") + ledger_rows_for(household_chenqing, number="L-C"))
    reconciliation_run(actor=system("test"))
    return household_sunwu, household_chenqing


def test_findings_are_listed_with_the_contract_fields(api, poverty_office, two_findings):
    body = api(poverty_office).get(FINDINGS).json()
    assert body["count"] == 2
    assert body["next"] is None
    item = body["results"][0]
    assert {"finding", "id_number", "name", "household", "ledger_household_number", "detail", "status"} <= set(item)
    assert item["finding"] == "not_covered"
    assert item["status"] == "open"
    assert len(item["id_number"]) == 18
    assert "*" not in item["id_number"]


def test_township_roles_see_only_their_townships_findings(api, caseworker_sunwu, two_findings):
    body = api(caseworker_sunwu).get(FINDINGS).json()
    assert [item["household"] for item in body["results"]] == [two_findings[0].pk]


def test_findings_filters(api, bureau_reviewer, two_findings):
    caller = api(bureau_reviewer)
    assert caller.get(FINDINGS, {"township": "辰清镇"}).json()["count"] == 1
    assert caller.get(FINDINGS, {"finding": "not_registered"}).json()["count"] == 0
    assert caller.get(FINDINGS, {"status": "resolved"}).json()["count"] == 0
    assert caller.get(FINDINGS, {"finding": "nonsense"}).status_code == 400
    assert caller.get(FINDINGS, {"page_size": 1000000}).status_code == 400


def test_auditors_see_masked_id_numbers(api, auditor, two_findings):
    item = api(auditor).get(FINDINGS).json()["results"][0]
    assert item["id_number"][6:14] == "********"
    assert Finding.objects.filter(id_number__startswith=item["id_number"][:6]).exists()


# --- ID numbers in URLs are masked in our logs -----------------------------------------------------


def test_an_id_number_in_a_url_is_masked_in_request_logs(api, poverty_office, caplog):
    number = new_id_number()
    logger = logging.getLogger("django.request")
    masking = MaskIdNumbersFilter()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        api(poverty_office).get(f"{STATUS}{number}/")  # 404: Django logs "Not Found: <path>"
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "Django logs the 404"
    for record in records:
        masking.filter(record)
        assert number not in record.getMessage()
        assert number[:6] + "********" + number[-4:] in record.getMessage()
    assert logger.name == "django.request"


def test_the_logging_configuration_masks_every_handler(settings):
    """Every handler that our LOGGING setting configures carries the masking filter."""
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_ids" in handler.get("filters", []), name


def test_ledger_rows_service_is_reachable_for_the_seed(db):
    assert ledger_import_rows([ledger_row()], actor=system("test")).succeeded


def test_every_handler_that_sees_django_request_logs_masks_id_numbers():
    logger = logging.getLogger("django.request")
    handlers = []
    while logger is not None:
        handlers.extend(logger.handlers)
        logger = logger.parent if logger.propagate else None
    ours = [h for h in handlers if not type(h).__module__.startswith("_pytest")]  # pytest's capture handlers
    assert ours
    assert all(any(isinstance(f, MaskIdNumbersFilter) for f in handler.filters) for handler in ours)


@pytest.mark.parametrize("url", [IMPORTS, STATUS])
@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"id_numbers": [NaN], "rows": [NaN]}', '{"rows": [{"a": 1}', "\ufeff{}"],
    ids=["deep-nesting", "nan", "truncated", "bom"],
)
def test_hostile_json_bodies_are_a_400(api, poverty_office, url, body):
    response = api(poverty_office).post(url, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_body_beyond_the_upload_limit_is_a_400_not_a_500(api, poverty_office, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api(poverty_office).post(IMPORTS, {"rows": [ledger_row() for _ in range(20)]})
    assert response.status_code == 400


def test_the_schema_documents_every_endpoint_of_the_link(client, poverty_office):
    client.force_login(poverty_office)  # the schema is not public
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/ledger-imports/"]) >= {"post"}
    assert set(paths["/api/v1/ledger-imports/{id}/"]) >= {"get"}
    assert set(paths["/api/v1/assistance-status/"]) >= {"post"}
    assert set(paths["/api/v1/assistance-status/{id_number}/"]) >= {"get"}
    assert set(paths["/api/v1/reconciliation/findings/"]) >= {"get"}
    findings = {p["name"] for p in paths["/api/v1/reconciliation/findings/"]["get"]["parameters"]}
    assert {"finding", "township", "status", "page", "page_size"} <= findings
    post = paths["/api/v1/ledger-imports/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(post["requestBody"]["content"])
    assert {"202", "400", "401", "403"} <= set(post["responses"])
    assert {"200", "400", "401", "403", "404"} <= set(
        paths["/api/v1/assistance-status/{id_number}/"]["get"]["responses"]
    )


def test_an_empty_ledger_file_fails_the_job_not_the_request(
    api, poverty_office, client, django_capture_on_commit_callbacks
):
    _instance, token = AuthToken.objects.create(user=poverty_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORTS,
            {"file": SimpleUploadedFile("x.xlsx", b""), "replace": "false"},
            HTTP_AUTHORIZATION=f"Token {token}",
        )
    assert response.status_code == 202
    assert api(poverty_office).get(response.json()["url"]).json()["status"] == "failed"


@pytest.mark.parametrize("replace", ["0", "1", "yes", "maybe"])
def test_replace_is_true_or_false_only(api, poverty_office, replace):
    response = api(poverty_office).post(IMPORTS, {"rows": [ledger_row()], "replace": replace})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "row",
    [{"name": 123}, {"household_size": "3"}, {"exit_year": 2020.5}, {"township": ["孙吴镇"]}],
    ids=["name-number", "size-text", "year-float", "township-list"],
)
def test_a_ledger_row_of_the_wrong_shape_is_a_400(api, poverty_office, row):
    response = api(poverty_office).post(IMPORTS, {"rows": [ledger_row(**row)]})
    assert response.status_code == 400
    assert set(response.json()["rows"]["0"]) == set(row)


def test_a_ledger_row_missing_a_required_key_is_a_400(api, poverty_office):
    row = ledger_row()
    del row["village"]
    response = api(poverty_office).post(IMPORTS, {"rows": [row]})
    assert response.status_code == 400
    assert "village" in response.json()["rows"]["0"]

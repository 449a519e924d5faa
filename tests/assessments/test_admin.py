from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import DepartmentImport, DepartmentRecord, PolicyLimits
from sunwu_relief.models import Job
from tests.assessments.conftest import VEHICLE_HEADERS, xlsx_bytes
from tests.conftest import new_id_number
from tests.xlsx_builders import with_broken_xml_after_row

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:assessments_departmentimport_upload")


def upload(client, rows, *, data: bytes | None = None):
    """Post a file; the import runs as a job once the request's transaction commits (eagerly here),
    and the upload page sends the user to the job's page."""
    return client.post(
        UPLOAD,
        {
            "source": "vehicle",
            "data_date": "2026-10-01",
            "file": SimpleUploadedFile("v.xlsx", data if data is not None else xlsx_bytes(VEHICLE_HEADERS, rows)),
        },
    )


def upload_and_follow(client, capture, rows=None, *, data: bytes | None = None):
    with capture(execute=True):
        response = upload(client, rows, data=data)
    assert response.status_code == 302
    return client.get(response["Location"])


def test_bureau_imports_through_the_admin_and_sees_row_errors(
    client, bureau_reviewer, django_capture_on_commit_callbacks
):
    client.force_login(bureau_reviewer)
    response = upload_and_follow(
        client,
        django_capture_on_commit_callbacks,
        [[new_id_number(), "王五", "黑N1", "小型轿车", None, None], ["123", "李四", "黑N2", "小型轿车", None, None]],
    )
    assert response.status_code == 200
    assert "row 4, column 身份证号:" in response.content.decode()
    assert DepartmentRecord.objects.count() == 0
    response = upload_and_follow(
        client, django_capture_on_commit_callbacks, [[new_id_number(), "王五", "黑N1", "小型轿车", None, None]]
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:assessments_departmentimport_changelist")
    assert DepartmentImport.objects.get().source == "vehicle"
    assert client.get(reverse("admin:assessments_departmentimport_changelist")).status_code == 200


def test_the_upload_is_not_parsed_in_the_request_but_by_a_job(
    client, bureau_reviewer, django_capture_on_commit_callbacks
):
    client.force_login(bureau_reviewer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, [[new_id_number(), "王五", "黑N1", "小型轿车", None, None]])
    job = Job.objects.get(kind="department_import")
    assert response["Location"] == reverse("admin:assessments_departmentimport_job", args=[job.pk])
    assert job.status == Job.Status.PENDING
    assert not DepartmentImport.objects.exists()
    waiting = client.get(response["Location"])
    assert waiting.status_code == 200
    assert 'http-equiv="refresh"' in waiting.content.decode()
    for callback in callbacks:  # the worker's turn
        callback()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.counts["rows"] == 1
    assert DepartmentRecord.objects.count() == 1


def test_a_sheet_broken_part_way_is_a_clear_error_not_a_500(
    client, bureau_reviewer, django_capture_on_commit_callbacks
):
    client.force_login(bureau_reviewer)
    rows = [[new_id_number(), f"车主{i}", f"黑N{i}", "小型轿车", None, None] for i in range(3)]
    data = with_broken_xml_after_row(xlsx_bytes(VEHICLE_HEADERS, rows), 3)
    response = upload_and_follow(client, django_capture_on_commit_callbacks, data=data)
    assert response.status_code == 200
    assert not DepartmentRecord.objects.exists()
    job = Job.objects.get(kind="department_import")
    assert job.status == Job.Status.FAILED
    assert [error["code"] for error in job.errors] == ["xlsx.damaged"]
    assert job.errors[0]["message"] in response.content.decode()  # the page shows the job's error


def test_auditor_sees_results_but_cannot_import_or_edit_limits(client, auditor, assessment_sunwu):
    client.force_login(auditor)
    assert client.get(reverse("admin:assessments_assessment_changelist")).status_code == 200
    assert client.get(reverse("admin:assessments_assessment_change", args=[assessment_sunwu.pk])).status_code == 200
    assert client.get(UPLOAD).status_code == 403
    limits = PolicyLimits.objects.get(year=2026)
    response = client.post(reverse("admin:assessments_policylimits_change", args=[limits.pk]), {"year": 2026})
    assert response.status_code == 403


def test_bureau_edits_limits_with_history(client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    limits = PolicyLimits.objects.get(year=2026)
    response = client.post(
        reverse("admin:assessments_policylimits_change", args=[limits.pk]),
        {
            "year": 2026,
            "excluded_income_kinds": ["scholarship", "assistance"],
            "employment_deduction": "100",
            "deposits_per_capita_max": "12000",
            "vehicles_max": 0,
            "vehicle_exempt_types": '["摩托车"]',
            "housing_count_max": 1,
            "housing_area_per_capita_max": "40",
            "machinery_value_max": "50000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    limits.refresh_from_db()
    assert limits.deposits_per_capita_max == Decimal("12000")
    assert limits.excluded_income_kinds == ["scholarship", "assistance"]
    assert limits.history.first().history_user == bureau_reviewer


def test_caseworker_has_no_admin(client, caseworker_sunwu):
    client.force_login(caseworker_sunwu)
    assert client.get(reverse("admin:assessments_assessment_changelist")).status_code == 302  # not staff: log-in page

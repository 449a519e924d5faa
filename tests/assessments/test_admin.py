from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import DepartmentImport, DepartmentRecord, PolicyLimits
from tests.assessments.conftest import VEHICLE_HEADERS, xlsx_bytes
from tests.conftest import new_id_number

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:assessments_departmentimport_upload")


def upload(client, rows):
    return client.post(
        UPLOAD,
        {
            "source": "vehicle",
            "data_date": "2026-10-01",
            "file": SimpleUploadedFile("v.xlsx", xlsx_bytes(VEHICLE_HEADERS, rows)),
        },
    )


def test_bureau_imports_through_the_admin_and_sees_row_errors(client, bureau_reviewer):
    client.force_login(bureau_reviewer)
    response = upload(
        client,
        [[new_id_number(), "王五", "黑N1", "小型轿车", None, None], ["123", "李四", "黑N2", "小型轿车", None, None]],
    )
    assert response.status_code == 200
    assert "row 4, column 身份证号:" in response.content.decode()
    assert DepartmentRecord.objects.count() == 0
    response = upload(client, [[new_id_number(), "王五", "黑N1", "小型轿车", None, None]])
    assert response.status_code == 302
    assert DepartmentImport.objects.get().source == "vehicle"
    assert client.get(reverse("admin:assessments_departmentimport_changelist")).status_code == 200


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

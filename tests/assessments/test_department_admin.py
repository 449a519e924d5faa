"""The admin's departmental-record pages mask ID numbers per role like every other channel, and
log the pages that show them in full."""

import pytest
from django.urls import reverse

from assessments.models import DepartmentRecord
from sunwu_relief.models import AccessLog
from tests.assessments.conftest import VEHICLE_HEADERS
from tests.conftest import new_id_number


@pytest.fixture
def record(import_file) -> DepartmentRecord:
    number = new_id_number(born="19731129")
    import_file("vehicle", VEHICLE_HEADERS, [[number, "王秋菊", "黑N12345", "小型轿车", "2020-01-01", "正常"]])
    return DepartmentRecord.objects.get(id_number=number)


def pages(record: DepartmentRecord) -> list[str]:
    return [
        reverse("admin:assessments_departmentrecord_changelist"),
        reverse("admin:assessments_departmentrecord_change", args=[record.pk]),
    ]


def test_auditor_sees_masked_numbers_on_the_department_record_pages(client, auditor, record):
    client.force_login(auditor)
    for url in pages(record):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert record.id_number not in body, url
        assert record.id_number[6:14] not in body, url
        assert f"{record.id_number[:6]}********{record.id_number[-4:]}" in body, url
    assert not AccessLog.objects.exists()


def test_bureau_reviewer_sees_full_numbers_and_each_page_is_logged(client, bureau_reviewer, record):
    client.force_login(bureau_reviewer)
    for count, url in enumerate(pages(record), start=1):
        assert record.id_number in client.get(url).content.decode()
        assert AccessLog.objects.count() == count
    list_row, change_row = AccessLog.objects.order_by("id")
    assert (list_row.object_type, list_row.object_ids) == ("assessments.departmentrecord", [str(record.pk)])
    assert (change_row.object_id, change_row.channel, change_row.full_id_numbers) == (str(record.pk), "admin", True)

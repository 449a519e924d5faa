"""Builders for the economic-status tests: departmental xlsx files and assessments through services."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from assessments import services
from assessments.services import department_import
from sunwu_relief.roles import Role
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _english_messages():
    """Service and reader messages are matched in English here (the msgids), whatever translations
    are compiled; pages requested through the test client still speak Chinese (LocaleMiddleware)."""
    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def xlsx_bytes(headers: list[str], rows: list[list], *, title: str | None = "数据", text_id: bool = True) -> bytes:
    """A departmental file: an optional title row above the header row, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if text_id and "身份证号" in headers:
        column = headers.index("身份证号") + 1
        for cells in sheet.iter_rows(min_col=column, max_col=column):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VEHICLE_HEADERS = ["身份证号", "姓名", "号牌号码", "车辆类型", "初次登记日期", "机动车状态"]


@pytest.fixture
def import_file(bureau_reviewer):
    def run(source: str, headers: list[str], rows: list[list], *, day: datetime.date = datetime.date(2026, 10, 1)):
        return department_import(
            actor=bureau_reviewer,
            source=source,
            data_date=day,
            file=xlsx_bytes(headers, rows),
            filename=f"{source}.xlsx",
        )

    return run


@pytest.fixture
def caseworker2_sunwu(township_sunwu):
    return make_user("cw2_sunwu", Role.CASEWORKER, township_sunwu)


@pytest.fixture
def assessment_sunwu(household_sunwu, caseworker_sunwu):
    return services.assessment_start(actor=caseworker_sunwu, household=household_sunwu)


@pytest.fixture
def signed_visit_for(caseworker_sunwu, caseworker2_sunwu):
    def build(assessment):
        visit = services.visit_create(
            actor=caseworker_sunwu,
            assessment=assessment,
            data=services.VisitData(
                visit_date=datetime.date(2026, 11, 20),
                housing="砖房两间",
                household_confirmed=True,
                household_signatory="王大山",
            ),
            investigators=[caseworker_sunwu, caseworker2_sunwu],
        )
        services.visit_sign(actor=caseworker_sunwu, visit=visit)
        return services.visit_sign(actor=caseworker2_sunwu, visit=visit)

    return build


def members_of(household):
    return list(household.members.order_by("id"))


def money(text: str) -> Decimal:
    return Decimal(text)

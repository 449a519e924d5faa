"""Builders for the medical and temporary assistance tests: 低保 and 特困 benefits from a legacy
roll (the quickest real way to a benefit running since a past month), claims files."""

import datetime
import io
from decimal import Decimal

import openpyxl

from benefits.medical.claims_file import COLUMNS
from benefits.medical.services import ClaimData
from benefits.migration import roll_import
from benefits.models import Benefit
from benefits.roll import HEADERS


def benefit_from_roll(
    household, *, actor, programme: str = "dibao", month: str = "2026-01", covered: int | None = None
):
    head = household.members.get(relationship="head")
    covered = covered if covered is not None else (1 if programme == "tekun" else household.members.count())
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(
        [household.township.name, household.village.name, head.name, head.id_number, covered, "重点", "600", month, ""]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = roll_import(actor=actor, source=buffer.getvalue(), programme=programme, source_name="roll.xlsx")
    assert result.ok, result.errors
    return Benefit.objects.get(household=household, programme=programme)


def claim(
    *,
    self_pay,
    kind: str = "inpatient",
    treated_on: datetime.date = datetime.date(2026, 3, 2),
    discharged_on: datetime.date | None = None,
    number: str = "",
) -> ClaimData:
    self_pay = Decimal(str(self_pay))
    if kind == "inpatient" and discharged_on is None:
        discharged_on = treated_on + datetime.timedelta(days=5)
    return ClaimData(
        hospital="孙吴县人民医院",
        kind=kind,
        treated_on=treated_on,
        discharged_on=discharged_on,
        total_cost=self_pay * 4,
        policy_cost=self_pay * 3,
        basic_insurance_paid=self_pay * 2,
        critical_insurance_paid=Decimal("0"),
        self_pay=self_pay,
        settlement_number=number,
    )


def claims_file(rows: list[dict]) -> bytes:
    """A claims file as the medical insurance office sends it: a title row, the header, rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["孙吴县医疗救助一站式结算明细"])
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append([row.get(c.key) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

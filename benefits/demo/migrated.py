"""Demo beneficiaries taken over from a legacy roll (through the roll import)."""

import io

from openpyxl import Workbook

from households.models import Household, Relationship

from ..migration import roll_import
from ..models import Programme
from ..roll import HEADERS


def seed_migrated(*, households: list[Household], bureau, count: int = 3) -> None:
    """A few beneficiaries taken over from a legacy roll, due for re-verification at once."""
    free = [h for h in households if not h.applications.exists() and not h.benefits.exists()][-count:]
    if not free:
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["孙吴县低保保障金发放台帐（系统上线前）"])
    sheet.append(HEADERS)
    for household in free:
        head = household.members.get(relationship=Relationship.HEAD)
        sheet.append(
            [
                household.township.name,
                household.village.name,
                head.name,
                head.id_number,
                household.members.count(),
                "一般",
                "300",
                "2024-01",
                "存量",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    roll_import(
        actor=bureau, source=buffer.getvalue(), programme=Programme.DIBAO, source_name="legacy-dibao-roll-2024.xlsx"
    )

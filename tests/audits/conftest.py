"""Builders for reconciliation: covered households (through the legacy-roll service) and ledgers."""

import io

import pytest
from openpyxl import Workbook

from benefits.migration import roll_import
from households.ledger import ledger_import_rows
from households.models import Household
from sunwu_relief.authz import system
from tests.conftest import member_data
from tests.ledger_builders import ledger_row

ROLL_HEADERS = ["乡镇", "行政村", "户主姓名", "户主身份证号", "保障人口", "保障类别", "保障金额(元/月)", "起始年月"]


def roll_xlsx(households: list[Household]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ROLL_HEADERS)
    for household in households:
        head = household.members.get(relationship="head")
        size = household.members.count()
        sheet.append(
            [
                household.township.name,
                household.village.name,
                head.name,
                head.id_number,
                size,
                "一般",
                300 * size,
                "2026-01",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def cover(bureau_reviewer):
    """cover(household, ..., programme="dibao"): an active benefit through the legacy-roll service."""

    def build(*households: Household, programme: str = "dibao") -> None:
        result = roll_import(
            actor=bureau_reviewer, source=roll_xlsx(list(households)), programme=programme, source_name="test roll"
        )
        assert result.ok, [str(e) for e in result.errors]

    return build


def ledger_rows_for(household: Household, *, number: str, **overrides) -> list[dict]:
    """The household's members as one ledger household (same names and IDs)."""
    rows = []
    for member in household.members.order_by("id"):
        relationship = "户主" if member.relationship == "head" else "之子"
        rows.append(
            ledger_row(
                household_number=number,
                name=member.name,
                id_number=member.id_number,
                relationship=relationship,
                township=household.township.name,
                village=household.village.name,
                **overrides,
            )
        )
    return rows


@pytest.fixture
def import_ledger():
    def run(rows: list[dict], **kwargs) -> None:
        result = ledger_import_rows(rows, actor=system("test"), **kwargs)
        assert result.succeeded, [str(e) for e in result.errors]

    return run


# The close-relatives register, filled through its services (integrity tests).
from tests.audits.complaint_builders import complain  # noqa: E402, F401
from tests.audits.integrity_builders import registry  # noqa: E402, F401


def finding_writes(queries) -> list[str]:
    """The statements of captured `queries` that write reconciliation findings or their events."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))
        and ('"audits_finding"' in q["sql"] or '"audits_findingevent"' in q["sql"])
    ]


@pytest.fixture
def county(make_household, caseworker_sunwu, caseworker_chenqing, cover, import_ledger):
    """A small county with one case of every finding, and one household that is in order."""
    h = {}
    h["in_order"] = make_household(caseworker_sunwu, members=[member_data(relationship="son")])
    h["not_covered"] = make_household(caseworker_sunwu)
    h["out"] = make_household(caseworker_sunwu)
    h["not_registered"] = make_household(caseworker_chenqing)
    h["renamed"] = make_household(caseworker_sunwu)
    h["split_a"] = make_household(caseworker_sunwu)
    h["split_b"] = make_household(caseworker_sunwu)
    h["merged"] = make_household(caseworker_chenqing, members=[member_data(relationship="son")])
    cover(h["in_order"], h["out"], h["renamed"])
    cover(h["not_registered"], h["merged"])
    rows = [
        *ledger_rows_for(h["in_order"], number="L-IN-ORDER"),
        *ledger_rows_for(h["not_covered"], number="L-NOT-COVERED"),
        *ledger_rows_for(h["out"], number="L-OUT", poverty_status="已脱贫", exit_year=2019),
        *ledger_rows_for(h["renamed"], number="L-RENAMED"),
        *ledger_rows_for(h["split_a"], number="L-SPLIT"),
        *[{**row, "relationship": "之子"} for row in ledger_rows_for(h["split_b"], number="L-SPLIT")],
    ]
    merged_head, merged_son = h["merged"].members.order_by("id")
    rows += [
        ledger_row(
            household_number=f"L-MERGED-{n}",
            name=member.name,
            id_number=member.id_number,
            township="辰清镇",
            village=h["merged"].village.name,
        )
        for n, member in enumerate((merged_head, merged_son), start=1)
    ]
    rows.append(ledger_row(household_number="L-LEDGER-ONLY", township="辰清镇", village="春青村"))
    renamed_head = h["renamed"].members.get(relationship="head")
    for row in rows:
        if row["id_number"] == renamed_head.id_number:
            row["name"] = "王大仙"
    import_ledger(rows)
    return h

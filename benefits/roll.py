"""The payment roll 台帐 (docs/interfaces.md §7): who is paid what in a month, and its xlsx form.

A month's roll is answered from the decisions in force that month (`Benefit.decision_in`, the one
rule of every channel), so a roll of a past month stays what it was when later decisions change
amounts or stop benefits.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from households.models import Classification, Member, Relationship
from sunwu_relief import clock
from sunwu_relief.sheet_writer import NUMBER, TEXT, BodyRows, text_cell
from sunwu_relief.text import export_safe

from .models import COVERED_STATUSES, Benefit, BenefitChange, BenefitStatus, Programme
from .models.benefits import decision_in_force, shown_month
from .selectors import state_in_month
from .states import DecisionRow, decisions_by_benefit

CLASS_LABELS = {Classification.KEY: "重点", Classification.LONG_TERM: "长期", Classification.GENERAL: "一般"}
HEADERS = ["乡镇", "行政村", "户主姓名", "户主身份证号", "保障人口", "保障类别", "保障金额(元/月)", "起始年月", "备注"]
ROLL_KINDS = [TEXT, TEXT, TEXT, TEXT, NUMBER, TEXT, NUMBER, TEXT, TEXT]


@dataclass(frozen=True)
class RollRow:
    township: str
    village: str
    head_name: str
    head_id_number: str
    covered: int
    classification: str
    amount: Decimal
    start_month: str
    note: str
    # The benefit behind the row (payments build their items from the roll); not a cell.
    benefit: Benefit | None = field(default=None, compare=False, repr=False)


def roll_cells(row: RollRow) -> list:
    """The cells of a roll row, in the roll's column order (a regular payment item has the same)."""
    return [
        row.township,
        row.village,
        row.head_name,
        row.head_id_number,
        row.covered,
        row.classification,
        row.amount,
        row.start_month,
        row.note,
    ]


def roll_benefits(
    *, programme: str, month: datetime.date, township_ids: QuerySet | list | None = None
) -> QuerySet[Benefit]:
    queryset = (
        Benefit.objects.filter(programme=programme, start_month__lte=month)
        .select_related("household__township", "household__village")
        .prefetch_related(
            Prefetch("changes", queryset=BenefitChange.objects.order_by("effective_month", "created", "id")),
            Prefetch(
                "household__members", queryset=Member.objects.filter(relationship=Relationship.HEAD), to_attr="heads"
            ),
        )
        .order_by("household__township__code", "household__village__name", "household__number")
    )
    if township_ids is not None:
        queryset = queryset.filter(township_id__in=township_ids)
    return queryset


def roll_row(benefit: Benefit, month: datetime.date) -> RollRow | None:
    """The benefit's row of the month's roll (prefetched as `roll_benefits` does); None when the
    month does not pay it."""
    status, amount = state_in_month(benefit, month)
    head = benefit.household.heads[0] if benefit.household.heads else None
    return _roll_row(
        status=status,
        amount=amount,
        township=benefit.household.township.name,
        village=benefit.household.village.name,
        head=(head.name, head.id_number) if head else ("", ""),
        covered=benefit.covered_count,
        classification=benefit.classification,
        start_month=benefit.start_month,
        migrated=benefit.migrated,
        benefit=benefit,
    )


def _roll_row(
    *,
    status: str,
    amount: Decimal,
    township: str,
    village: str,
    head: tuple[str, str],
    covered: int,
    classification: str,
    start_month: datetime.date,
    migrated: bool,
    benefit: Benefit | None = None,
) -> RollRow | None:
    """The one rule of a roll row, whether read from model rows or from plain rows."""
    if status not in COVERED_STATUSES:
        return None
    notes = []
    if status == BenefitStatus.PHASING_OUT:
        notes.append("渐退期")
    if migrated:
        notes.append("存量迁移，待复核")
    return RollRow(
        township=township,
        village=village,
        head_name=head[0],
        head_id_number=head[1],
        covered=covered,
        classification=CLASS_LABELS.get(classification, ""),
        amount=amount,
        start_month=f"{start_month:%Y-%m}",
        note="；".join(notes),
        benefit=benefit,
    )


class RollSource(NamedTuple):
    """What a plain roll row rests on (`roll_sources`): the payments' items and the statistics
    read it beside the row's cells."""

    benefit_id: int
    household_id: int
    township_id: int
    classification: str
    decision_id: int | None
    # The decision's explanation of the amount (else the current decision's, as
    # `Benefit.amount_explanation` gives it).
    explanation: str


def roll_sources(
    *, programme: str, month: datetime.date, township_ids=None, explanations: bool = True
) -> list[tuple[RollRow, RollSource]]:
    """The month's roll as `roll_rows` gives it (the rows carry no `benefit`), each row with what
    it rests on, read as plain rows in three queries whatever the county's size (benefits, their
    decisions, the heads): no model instance per household. Without `explanations` (the roll's
    sheet shows none) the sources carry an empty one."""
    month = month.replace(day=1)
    benefits = roll_benefits(programme=programme, month=month, township_ids=township_ids).prefetch_related(None)
    current = clock.current_month()
    decisions: dict[int, tuple[DecisionRow | None, str]] = {}
    for benefit_id, _start, rows in decisions_by_benefit(benefits, explanations=explanations):
        decision = decision_in_force(rows, month)
        explanation = decision.explanation if decision else ""
        if not explanation and explanations:
            shown = decision_in_force(rows, shown_month(rows, current=current))
            explanation = shown.explanation if shown else ""
        decisions[benefit_id] = (decision, explanation)
    values = list(
        benefits.values_list(
            "id",
            "household_id",
            "township_id",
            "household__township__name",
            "household__village__name",
            "covered_count",
            "classification",
            "start_month",
            "migrated",
        )
    )
    heads: dict[int, tuple[str, str]] = {}
    for household_id, name, id_number in (
        Member.objects.filter(household__in=benefits.values("household_id"), relationship=Relationship.HEAD)
        .order_by("household_id", "id")
        .values_list("household_id", "name", "id_number")
    ):
        heads.setdefault(household_id, (name, id_number))
    out = []
    for pk, household_id, township_id, township, village, covered, classification, start_month, migrated in values:
        decision, explanation = decisions.get(pk, (None, ""))
        row = _roll_row(
            status=decision.new_status if decision else "",
            amount=decision.new_amount if decision else Decimal("0"),
            township=township,
            village=village,
            head=heads.get(household_id, ("", "")),
            covered=covered,
            classification=classification,
            start_month=start_month,
            migrated=migrated,
        )
        if row is not None:
            source = RollSource(
                pk, household_id, township_id, classification, decision.pk if decision else None, explanation
            )
            out.append((row, source))
    return out


def roll_export_rows(*, programme: str, month: datetime.date, township_ids=None) -> list[RollRow]:
    """The month's roll as `roll_rows` gives it, read as plain rows (`roll_sources`) for the export."""
    sources = roll_sources(programme=programme, month=month, township_ids=township_ids, explanations=False)
    return [row for row, _source in sources]


def iter_roll_rows(*, programme: str, month: datetime.date, township_ids=None, chunk_size: int = 2000):
    """The month's roll row by row, streamed (the benefits are read `chunk_size` at a time with
    their decisions and heads), so a county's roll is never all in memory at once."""
    month = month.replace(day=1)
    benefits = roll_benefits(programme=programme, month=month, township_ids=township_ids)
    for benefit in benefits.iterator(chunk_size=chunk_size):
        row = roll_row(benefit, month)
        if row is not None:
            yield row


def roll_rows(*, programme: str, month: datetime.date, township_ids=None) -> list[RollRow]:
    month = month.replace(day=1)
    return [
        row
        for benefit in roll_benefits(programme=programme, month=month, township_ids=township_ids)
        if (row := roll_row(benefit, month)) is not None
    ]


def write_roll(rows: list[RollRow], path: Path, *, programme: str, month: datetime.date, township: str = "") -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台帐")
    title = WriteOnlyCell(sheet, value=export_safe(f"孙吴县{township}{Programme(programme).label}保障金发放台帐"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append([text_cell(sheet, f"发放月份：{month:%Y-%m}")])
    header = []
    for text in HEADERS:
        cell = text_cell(sheet, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    body = BodyRows(sheet, ROLL_KINDS)
    for row in rows:
        body.append(roll_cells(row))
    sheet.append(
        [
            text_cell(sheet, "合计"),
            None,
            None,
            None,
            sum(r.covered for r in rows),
            None,
            sum((r.amount for r in rows), Decimal("0")),
            None,
            None,
        ]
    )
    workbook.save(path)

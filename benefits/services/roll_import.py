"""Taking over existing beneficiaries from an Excel roll (issue: migration of legacy rolls).

Nobody enters 低保 without the procedure (低保审核确认办法 Art 28); migration is the documented
exception: each benefit is marked *migrated* with its source file, the importing user and the date,
and is due for re-verification at once. All-or-nothing, with every row error listed.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from households.models import Classification, Member, Relationship, Township
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, user_or_none
from sunwu_relief.roles import Role
from sunwu_relief.xlsx import Column, XlsxError, XlsxFileError, read_xlsx

from ..events import BenefitEvent
from ..models import Benefit, BenefitChange
from ..selectors import running_benefits, standard_for
from .decision_records import benefit_grant_record

COLUMNS = [
    Column("乡镇", "township"),
    Column("行政村", "village"),
    Column("户主姓名", "head_name"),
    Column("户主身份证号", "head_id_number", text=True),
    Column("保障人口", "covered"),
    Column("保障类别", "classification"),
    Column("保障金额(元/月)", "amount", aliases=("保障金额（元/月）", "保障金额")),
    Column("起始年月", "start_month"),
    Column("备注", "note", required=False, multiline=True),
]
CLASSIFICATIONS = {"重点": Classification.KEY, "长期": Classification.LONG_TERM, "一般": Classification.GENERAL}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class RollImportResult:
    created: int = 0
    errors: list[XlsxError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    member: Member
    covered: int
    classification: str
    amount: Decimal
    start_month: datetime.date
    note: str


def _parse(values: dict, number: int, townships: dict[str, Township], errors: list[XlsxError]) -> _Row | None:
    def error(column: str, message: str) -> None:
        errors.append(XlsxError(row=number, column=column, message=message))

    before = len(errors)
    township = townships.get(str(values["township"]))
    if township is None:
        error("乡镇", _("Unknown township."))
    try:
        id_number = validate_id_number(str(values["head_id_number"]))
    except Exception as exc:  # noqa: BLE001  (ValidationError: its message is the row error)
        error("户主身份证号", " ".join(getattr(exc, "messages", [str(exc)])))
        id_number = ""
    member = (
        Member.objects.filter(id_number=id_number).select_related("household__village").first() if id_number else None
    )
    if id_number and member is None:
        error("户主身份证号", _("This person is not in the household registry; register the household first."))
    elif member is not None:
        if member.relationship != Relationship.HEAD:
            error("户主身份证号", _("This person is not the head of their household in the registry."))
        if member.name != str(values["head_name"]):
            error("户主姓名", _("The name differs from the registry (%(name)s).") % {"name": member.name})
        if township is not None and member.household.township_id != township.pk:
            error("乡镇", _("The household belongs to another township in the registry."))
        if member.household.village.name != str(values["village"]):
            error(
                "行政村",
                _("The village differs from the registry (%(name)s).") % {"name": member.household.village.name},
            )
    try:
        covered = int(str(values["covered"]))
        if covered < 1:
            raise ValueError
    except ValueError:
        error("保障人口", _("A whole number of at least 1."))
        covered = 0
    classification = CLASSIFICATIONS.get(str(values["classification"]))
    if classification is None:
        error("保障类别", _("One of 重点, 长期, 一般."))
    try:
        amount = Decimal(str(values["amount"]))
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        error("保障金额(元/月)", _("An amount in yuan, not negative, at most two decimals."))
        amount = Decimal("0")
    match = _MONTH.match(str(values["start_month"]))
    start = None
    if match and 1 <= int(match.group(2)) <= 12:
        start = datetime.date(int(match.group(1)), int(match.group(2)), 1)
    else:
        error("起始年月", _("A month written YYYY-MM."))
    if len(errors) > before:
        return None
    return _Row(number, member, covered, classification, amount, start, str(values.get("note") or ""))


def roll_import(
    *, actor, source: str | Path | bytes | IO[bytes], programme: str, source_name: str, dry_run: bool = False
) -> RollImportResult:
    require(
        actor,
        roles=(Role.BUREAU_REVIEWER,),
        allow_system=False,
        message=_("Only the county bureau imports legacy rolls."),
    )
    result = RollImportResult()
    try:
        parsed = read_xlsx(source, columns=COLUMNS, header="户主身份证号")
    except XlsxFileError as exc:
        if not exc.errors:
            raise
        result.errors.extend(exc.errors)  # refused at a cell (one too long to be read): name it
        return result
    result.errors.extend(parsed.errors)
    townships = {t.name: t for t in Township.objects.all()}
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    unreadable = {error.row for error in parsed.errors}
    for raw in parsed.rows:
        if raw.number in unreadable:
            continue  # the reader has already said what is wrong with this row
        row = _parse(raw.values, raw.number, townships, result.errors)
        if row is None:
            continue
        if row.member.household_id in seen:
            result.errors.append(
                XlsxError(
                    row=row.number,
                    column="户主身份证号",
                    message=_("The same household twice (row %(row)d).") % {"row": seen[row.member.household_id]},
                )
            )
            continue
        seen[row.member.household_id] = row.number
        if running_benefits().filter(household_id=row.member.household_id, programme=programme).exists():
            result.errors.append(
                XlsxError(
                    row=row.number, column="户主身份证号", message=_("This household already receives this programme.")
                )
            )
            continue
        rows.append(row)
    if result.errors or dry_run:
        result.errors.sort(key=lambda e: (e.row, e.column))
        return result
    with transaction.atomic():
        today = clock.today()
        standard = standard_for(programme, today.year)
        snapshot = standard.snapshot() if standard is not None else {}
        for row in rows:
            household = row.member.household
            benefit = Benefit(
                household=household,
                township_id=household.township_id,
                programme=programme,
                classification=row.classification,
                standard_snapshot=snapshot,
                covered_count=row.covered,
                start_month=row.start_month,
                migrated=True,
                migration_source=f"{source_name} (row {row.number}; {actor.get_username()}; {today:%Y-%m-%d})",
                next_review_due=today,
                decided_by=actor,
            )
            benefit._history_user = user_or_none(actor)
            benefit.save()
            benefit.covered_members.set([row.member] if row.covered == 1 else list(household.members.all()))
            # Its first decision: the legacy amount, with the standard in force when taken over (a
            # later standard change is passed on to it as (new S − this S) × covered persons).
            benefit_grant_record(
                benefit=benefit,
                actor=actor,
                amount=row.amount,
                explanation=_("Migrated from the legacy roll %(source)s; amount as paid there.")
                % {"source": source_name},
                basis=BenefitChange.Basis.LEGACY,
                standard_snapshot=snapshot,
                reason=source_name,
            )
            record_event(
                actor=actor,
                action=BenefitEvent.BENEFIT_MIGRATE,
                obj=benefit,
                source=source_name,
                row=row.number,
                note=row.note,
            )
        result.created = len(rows)
    return result

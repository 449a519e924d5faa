"""The medical insurance office's claims file (一站式结算): read through the shared reader,
imported all or nothing with every row error (format: docs/medical-claims.md)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from households.models import Member
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.errors import NotAllowed, WorkflowError
from sunwu_relief.roles import Role, role_of
from sunwu_relief.xlsx import Column, XlsxError, XlsxFileError, read_xlsx

from .models import ClaimKind, ClaimSource, MedicalClaim
from .services import ClaimData, _create, claim_problems

HEADER = "身份证号"
COLUMNS = [
    Column("结算单号", "settlement_number", text=True),
    Column("姓名", "name"),
    Column("身份证号", "id_number", text=True),
    Column("医疗机构", "hospital"),
    Column("就诊类型", "kind"),
    Column("入院或就诊日期", "treated_on", aliases=("入院日期", "就诊日期")),
    Column("出院日期", "discharged_on", required=False),
    Column("医疗总费用", "total_cost"),
    Column("政策范围内费用", "policy_cost"),
    Column("基本医保支付", "basic_insurance_paid"),
    Column("大病保险支付", "critical_insurance_paid"),
    Column("政策范围内个人自付", "self_pay"),
]
KINDS = {"住院": ClaimKind.INPATIENT, "门诊": ClaimKind.OUTPATIENT}
AMOUNT_COLUMNS = {
    "total_cost": "医疗总费用",
    "policy_cost": "政策范围内费用",
    "basic_insurance_paid": "基本医保支付",
    "critical_insurance_paid": "大病保险支付",
    "self_pay": "政策范围内个人自付",
}
# Which column a guard's problem belongs to, for the row error.
PROBLEM_COLUMNS = {
    "medical.discharge_missing": "出院日期",
    "medical.discharge_before_admission": "出院日期",
    "medical.outpatient_discharge": "出院日期",
    "medical.future_date": "入院或就诊日期",
    "medical.policy_above_total": "政策范围内费用",
    "medical.self_pay_above_policy": "政策范围内个人自付",
    "medical.paid_above_total": "医疗总费用",
    "medical.not_covered": "入院或就诊日期",
    "medical.no_standard": "入院或就诊日期",
}


@dataclass
class ClaimsImportResult:
    created: int = 0
    total_aid: Decimal = Decimal("0")
    errors: list[XlsxError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _parse(row, errors: list[XlsxError]) -> tuple[Member, ClaimData] | None:
    values, n = row.values, row.number
    before = len(errors)

    def error(column: str, code: str, message: str) -> None:
        errors.append(XlsxError(row=n, column=column, message=message, code=code))

    member = None
    try:
        id_number = validate_id_number(str(values["id_number"]))
    except Exception as exc:  # noqa: BLE001  (ValidationError: its message is the row error)
        error("身份证号", "medical.bad_id_number", " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        member = Member.objects.filter(id_number=id_number, removed_on__isnull=True).first()
        if member is None:
            error("身份证号", "medical.unknown_person", _("This person is not in the household registry."))
        elif member.name != str(values["name"]):
            error(
                "姓名",
                "medical.name_mismatch",
                _("The name differs from the registry (%(name)s).") % {"name": member.name},
            )
    kind = KINDS.get(str(values["kind"]))
    if kind is None:
        error("就诊类型", "medical.bad_kind", _("住院 or 门诊."))
    treated_on = _date(values["treated_on"])
    if treated_on is None:
        error("入院或就诊日期", "medical.bad_date", _("A date written YYYY-MM-DD."))
    discharged_on = None
    if values.get("discharged_on") not in (None, ""):
        discharged_on = _date(values["discharged_on"])
        if discharged_on is None:
            error("出院日期", "medical.bad_date", _("A date written YYYY-MM-DD."))
    amounts = {}
    for key, column in AMOUNT_COLUMNS.items():
        amounts[key] = _amount(values[key])
        if amounts[key] is None:
            error(column, "medical.bad_amount", _("An amount in yuan."))
    if len(errors) > before:
        return None
    data = ClaimData(
        hospital=str(values["hospital"]),
        kind=kind,
        treated_on=treated_on,
        discharged_on=discharged_on,
        settlement_number=str(values["settlement_number"]),
        **amounts,
    )
    for problem in claim_problems(data, today=clock.today()):
        error(PROBLEM_COLUMNS.get(problem.code, "医疗总费用"), problem.code, str(problem))
    if len(errors) > before:
        return None
    return member, data


class _Rollback(Exception):
    pass


def medical_claims_import(
    *, actor, source: str | Path | bytes | IO[bytes], source_name: str = ""
) -> ClaimsImportResult:
    """Every row a claim, or nothing: each row's errors are listed (a bad cell, an unknown person,
    a settlement number seen before, a patient neither 低保 nor 特困 on the day of treatment).
    Claims are computed in order of treatment date, so that a file's claims of one person meet
    the yearly deductible and cap in the order they happened. `actor` None: the command."""
    if actor is not None and role_of(actor) != Role.BUREAU_REVIEWER:
        raise NotAllowed(_("Only the county bureau imports the medical insurance office's claims."))
    result = ClaimsImportResult()
    try:
        parsed = read_xlsx(source, columns=COLUMNS, header=HEADER)
    except XlsxFileError as exc:
        if not exc.errors:
            raise
        result.errors.extend(exc.errors)
        return result
    result.errors.extend(parsed.errors)
    unreadable = {error.row for error in parsed.errors}
    rows = []
    seen: dict[str, int] = {}
    for raw in parsed.rows:
        if raw.number in unreadable:
            continue
        parsed_row = _parse(raw, result.errors)
        if parsed_row is None:
            continue
        number = parsed_row[1].settlement_number.strip()
        if number in seen:
            result.errors.append(
                XlsxError(
                    row=raw.number,
                    column="结算单号",
                    code="medical.duplicate",
                    message=_("The same settlement number as row %(row)d.") % {"row": seen[number]},
                )
            )
            continue
        seen[number] = raw.number
        rows.append((raw.number, *parsed_row))
    recorded = set(MedicalClaim.objects.filter(settlement_number__in=seen).values_list("settlement_number", flat=True))
    for number, _member, data in rows:
        if data.settlement_number.strip() in recorded:
            result.errors.append(
                XlsxError(
                    row=number,
                    column="结算单号",
                    code="medical.duplicate",
                    message=_("This settlement number has already been recorded."),
                )
            )
    rows.sort(key=lambda r: (r[2].treated_on, r[0]))
    try:
        with transaction.atomic():
            for number, member, data in rows:
                try:
                    with transaction.atomic():
                        claim = _create(
                            actor=actor, member=member, data=data, source=ClaimSource.IMPORT, source_file=source_name
                        )
                except WorkflowError as exc:
                    for problem in exc.problems:
                        result.errors.append(
                            XlsxError(
                                row=number,
                                column=PROBLEM_COLUMNS.get(problem.code, "身份证号"),
                                code=problem.code,
                                message=str(problem),
                            )
                        )
                    continue
                result.created += 1
                result.total_aid += claim.aid
            if result.errors:
                raise _Rollback
            record_event(actor=actor, action="medical.claims_import", source=source_name, created=result.created)
    except _Rollback:
        result.created, result.total_aid = 0, Decimal("0")
    result.errors.sort(key=lambda e: (e.row, e.column))
    return result

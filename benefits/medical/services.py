"""Writes for 医疗救助: recording a claim (its aid computed by the rules) and importing the
medical insurance office's claims file (docs/medical-claims.md)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from households.models import Member
from households.selectors import households_for
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role, role_of
from sunwu_relief.text import validate_plain_text

from .. import rules
from ..models import Programme
from ..selectors import standard_for
from .models import ClaimKind, ClaimSource, MedicalClaim
from .selectors import status_on, year_totals

RECORDING_ROLES = frozenset({Role.CASEWORKER, Role.BUREAU_REVIEWER})
STATUS_NAMES = {Programme.DIBAO: "低保对象", Programme.TEKUN: "特困人员"}
KIND_NAMES = {ClaimKind.INPATIENT: "住院", ClaimKind.OUTPATIENT: "门诊"}


@dataclass(frozen=True)
class ClaimData:
    hospital: str
    kind: str
    treated_on: datetime.date
    total_cost: Decimal
    policy_cost: Decimal
    basic_insurance_paid: Decimal
    critical_insurance_paid: Decimal
    self_pay: Decimal
    discharged_on: datetime.date | None = None
    settlement_number: str = ""


def claim_problems(data: ClaimData, *, today: datetime.date) -> list[Problem]:
    """What is wrong with a claim's own figures and dates (before the patient's status)."""
    problems = []
    if not str(data.hospital).strip():
        problems.append(Problem("medical.hospital_missing", _("The hospital is required.")))
    if data.kind not in ClaimKind.values:
        problems.append(Problem("medical.bad_kind", _("A claim is inpatient or outpatient.")))
    if data.treated_on > today:
        problems.append(Problem("medical.future_date", _("The date of treatment is in the future.")))
    if data.kind == ClaimKind.INPATIENT:
        if data.discharged_on is None:
            problems.append(Problem("medical.discharge_missing", _("An inpatient claim needs the discharge date.")))
        elif data.discharged_on < data.treated_on:
            problems.append(Problem("medical.discharge_before_admission", _("Discharge is before admission.")))
        elif data.discharged_on > today:
            problems.append(Problem("medical.future_date", _("The discharge date is in the future.")))
    elif data.kind == ClaimKind.OUTPATIENT and data.discharged_on is not None:
        problems.append(Problem("medical.outpatient_discharge", _("An outpatient claim has no discharge date.")))
    amounts = (
        data.total_cost,
        data.policy_cost,
        data.basic_insurance_paid,
        data.critical_insurance_paid,
        data.self_pay,
    )
    if any(Decimal(a) < 0 or Decimal(a) != Decimal(a).quantize(rules.FEN) for a in amounts):
        problems.append(Problem("medical.bad_amount", _("Amounts are in yuan, not negative, at most two decimals.")))
    elif data.policy_cost > data.total_cost:
        problems.append(Problem("medical.policy_above_total", _("The policy-scope cost exceeds the total cost.")))
    elif data.self_pay > data.policy_cost:
        problems.append(Problem("medical.self_pay_above_policy", _("The self-pay exceeds the policy-scope cost.")))
    elif data.basic_insurance_paid + data.critical_insurance_paid + data.self_pay > data.total_cost:
        problems.append(
            Problem("medical.paid_above_total", _("Insurance payments and self-pay exceed the total cost."))
        )
    return problems


def _compute(member: Member, data: ClaimData) -> dict:
    """The aid of a claim for `member`, with every input of the rule (the member row is locked by
    the caller, so that two claims of one person are computed one after the other)."""
    benefit = status_on(member, data.treated_on)
    if benefit is None:
        raise WorkflowError(
            problems=[
                Problem(
                    "medical.not_covered",
                    _("On %(day)s the patient was neither 低保 nor 特困.") % {"day": data.treated_on},
                )
            ]
        )
    year = data.treated_on.year
    standard = standard_for(Programme.MEDICAL, year)
    if standard is None:
        raise WorkflowError(
            problems=[
                Problem(
                    "medical.no_standard", _("There is no medical assistance standard for %(year)d.") % {"year": year}
                )
            ]
        )
    tekun = benefit.programme == Programme.TEKUN
    if tekun:
        ratio, yearly = standard.medical_ratio_tekun, Decimal("0")
    elif data.kind == ClaimKind.INPATIENT:
        ratio, yearly = standard.medical_ratio_dibao, standard.medical_deductible_dibao
    else:
        ratio, yearly = standard.medical_ratio_dibao_outpatient, standard.medical_deductible_dibao
    earlier, paid = year_totals(member, year)
    left = rules.medical_deductible_left(yearly_deductible=yearly, earlier_self_pay=earlier)
    amount = rules.medical_aid(
        self_pay=data.self_pay,
        ratio=ratio,
        deductible=left,
        annual_cap=standard.medical_annual_cap,
        paid_this_year=paid,
    )
    deductible_text = (
        "特困人员不设起付标准"
        if tekun
        else f"{year} 年起付标准 {rules._fmt(yearly)} 元，本年此前政策范围内自付 {rules._fmt(sum(earlier, Decimal('0')))} 元，"
        f"剩余起付线 {rules._fmt(left)} 元"
    )
    explanation = (
        f"{member.name}于 {data.treated_on:%Y-%m-%d} {KIND_NAMES[data.kind]}，当日为{STATUS_NAMES[benefit.programme]}，"
        f"救助比例 {rules._fmt(ratio * 100)}%；{deductible_text}；{amount.explanation}"
    )
    return {
        "benefit": benefit,
        "status_programme": benefit.programme,
        "year": year,
        "ratio": ratio,
        "yearly_deductible": yearly,
        "deductible_left": left,
        "annual_cap": standard.medical_annual_cap,
        "paid_before": paid,
        "aid": amount.value,
        "explanation": explanation,
        "standard_snapshot": standard.snapshot(),
    }


def _create(*, actor, member: Member, data: ClaimData, source: str, source_file: str = "") -> MedicalClaim:
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    computed = _compute(member, data)
    claim = MedicalClaim.objects.create(
        member=member,
        household=member.household,
        township_id=member.household.township_id,
        hospital=data.hospital.strip(),
        kind=data.kind,
        treated_on=data.treated_on,
        discharged_on=data.discharged_on,
        total_cost=data.total_cost,
        policy_cost=data.policy_cost,
        basic_insurance_paid=data.basic_insurance_paid,
        critical_insurance_paid=data.critical_insurance_paid,
        self_pay=data.self_pay,
        source=source,
        settlement_number=data.settlement_number.strip(),
        source_file=source_file,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **computed,
    )
    record_event(
        actor=actor, action="medical.claim_record", obj=claim, township_id=claim.township_id, aid=str(claim.aid)
    )
    return claim


@transaction.atomic
def medical_claim_record(*, actor, member: Member, data: ClaimData) -> MedicalClaim:
    """Record one claim entered by a caseworker of the patient's township (or the bureau)."""
    if role_of(actor) not in RECORDING_ROLES:
        raise NotAllowed(_("Only a caseworker or the county bureau records medical assistance claims."))
    if not households_for(actor).filter(pk=member.household_id).exists():
        raise OutOfScope()
    try:
        validate_plain_text(data.hospital)
        validate_plain_text(data.settlement_number)
    except Exception as exc:  # noqa: BLE001  (ValidationError: its message is the field error)
        raise InvalidInput(field_errors={"hospital": list(getattr(exc, "messages", [str(exc)]))}) from exc
    problems = claim_problems(data, today=clock.today())
    if (
        data.settlement_number
        and MedicalClaim.objects.filter(settlement_number=data.settlement_number.strip()).exists()
    ):
        problems.append(Problem("medical.duplicate", _("This settlement number has already been recorded.")))
    if problems:
        raise WorkflowError(problems=problems)
    return _create(actor=actor, member=member, data=data, source=ClaimSource.MANUAL)

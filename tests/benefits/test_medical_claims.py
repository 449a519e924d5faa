"""医疗救助 claims: the yearly deductible and cap, the ratios by status and kind, the status on the
day of treatment, and the medical insurance office's file (all or nothing)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benefits.decisions import benefit_change
from benefits.medical.claims_file import medical_claims_import
from benefits.medical.models import MedicalClaim
from benefits.medical.services import medical_claim_record
from benefits.models import Standard
from sunwu_relief.errors import NotAllowed, OutOfScope, WorkflowError
from tests.benefits.programme_builders import benefit_from_roll, claim, claims_file

pytestmark = pytest.mark.django_db
D = Decimal


def _patient(household):
    return household.members.get(relationship="head")


@pytest.fixture
def dibao_patient(household_sunwu, bureau_reviewer):
    benefit_from_roll(household_sunwu, actor=bureau_reviewer, programme="dibao")
    return _patient(household_sunwu)


@pytest.fixture
def tekun_patient(make_household, caseworker_sunwu, bureau_reviewer):
    household = make_household(caseworker_sunwu)
    benefit_from_roll(household, actor=bureau_reviewer, programme="tekun")
    return _patient(household)


def medical_standard(**numbers) -> None:
    Standard.objects.filter(programme="medical", year=2026).update(**numbers)


def test_below_the_yearly_deductible_pays_nothing_and_the_next_claim_pays_above_it(dibao_patient, caseworker_sunwu):
    medical_standard(medical_deductible_dibao=D("1000"), medical_ratio_dibao=D("0.85"))
    first = medical_claim_record(actor=caseworker_sunwu, member=dibao_patient, data=claim(self_pay="600"))
    assert first.aid == D("0.00")
    assert first.deductible_left == D("1000.00")
    # 400 of the deductible is left: the next claim pays from its 401st yuan.
    second = medical_claim_record(
        actor=caseworker_sunwu, member=dibao_patient, data=claim(self_pay="1000", treated_on=datetime.date(2026, 5, 4))
    )
    assert second.deductible_left == D("400.00")
    assert second.aid == D("510.00")  # (1000 − 400) × 85%
    assert "剩余起付线 400 元" in second.explanation
    assert second.standard_snapshot["medical_deductible_dibao"] == "1000.00"


def test_the_yearly_cap_holds_across_several_claims(tekun_patient, caseworker_sunwu):
    medical_standard(medical_annual_cap=D("1000"))
    amounts = [
        medical_claim_record(
            actor=caseworker_sunwu,
            member=tekun_patient,
            data=claim(self_pay=pay, treated_on=datetime.date(2026, month, 1)),
        ).aid
        for month, pay in ((2, "600"), (3, "600"), (4, "100"))
    ]
    assert amounts == [D("600.00"), D("400.00"), D("0.00")]
    last = MedicalClaim.objects.order_by("-id").first()
    assert last.paid_before == D("1000.00")
    assert "年度封顶 1000 元" in last.explanation


def test_tekun_outpatient_is_paid_in_full_without_a_deductible(tekun_patient, caseworker_sunwu):
    medical_standard(medical_deductible_dibao=D("1000"))
    record = medical_claim_record(
        actor=caseworker_sunwu, member=tekun_patient, data=claim(self_pay="300", kind="outpatient")
    )
    assert record.aid == D("300.00")
    assert record.ratio == D("1.000")
    assert record.deductible_left == D("0")
    assert record.status_programme == "tekun"
    assert "特困人员不设起付标准" in record.explanation


def test_dibao_outpatient_follows_its_own_ratio(dibao_patient, caseworker_sunwu):
    medical_standard(medical_ratio_dibao_outpatient=D("0.6"), medical_ratio_dibao=D("0.85"))
    record = medical_claim_record(
        actor=caseworker_sunwu, member=dibao_patient, data=claim(self_pay="300", kind="outpatient")
    )
    assert record.aid == D("180.00")
    assert record.ratio == D("0.600")
    inpatient = medical_claim_record(actor=caseworker_sunwu, member=dibao_patient, data=claim(self_pay="100"))
    assert inpatient.aid == D("85.00")


def test_the_status_of_the_day_of_treatment_counts_not_today(household_sunwu, bureau_reviewer, caseworker_sunwu, clock):
    benefit = benefit_from_roll(household_sunwu, actor=bureau_reviewer, programme="dibao", month="2026-02")
    patient = _patient(household_sunwu)
    clock.move_to(datetime.date(2026, 3, 15))
    benefit_change(
        actor=bureau_reviewer,
        benefit=benefit,
        kind="stop",
        effective_month=datetime.date(2026, 4, 1),
        reason_code="circumstances_changed",
        reason="收入增加",
    )
    clock.move_to(datetime.date(2026, 6, 10))
    # Stopped today, but 低保 on 10 March: paid by the 低保 rule.
    covered = medical_claim_record(
        actor=caseworker_sunwu, member=patient, data=claim(self_pay="100", treated_on=datetime.date(2026, 3, 10))
    )
    assert covered.aid == D("85.00")
    assert covered.status_programme == "dibao"
    for day in (datetime.date(2026, 4, 2), datetime.date(2026, 1, 20)):  # after the stop; before the start
        with pytest.raises(WorkflowError) as exc:
            medical_claim_record(actor=caseworker_sunwu, member=patient, data=claim(self_pay="100", treated_on=day))
        assert "medical.not_covered" in exc.value.codes


def test_bad_claims_are_refused_with_codes(dibao_patient, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu):
    bad = claim(self_pay="100", treated_on=datetime.date(2026, 3, 2), discharged_on=datetime.date(2026, 3, 1))
    with pytest.raises(WorkflowError) as exc:
        medical_claim_record(actor=caseworker_sunwu, member=dibao_patient, data=bad)
    assert "medical.discharge_before_admission" in exc.value.codes
    outpatient = claim(self_pay="100", kind="outpatient", discharged_on=datetime.date(2026, 3, 3))
    with pytest.raises(WorkflowError) as exc:
        medical_claim_record(actor=caseworker_sunwu, member=dibao_patient, data=outpatient)
    assert "medical.outpatient_discharge" in exc.value.codes
    with pytest.raises(OutOfScope):
        medical_claim_record(actor=caseworker_chenqing, member=dibao_patient, data=claim(self_pay="100"))
    with pytest.raises(NotAllowed):
        medical_claim_record(actor=reviewer_sunwu, member=dibao_patient, data=claim(self_pay="100"))
    medical_claim_record(actor=caseworker_sunwu, member=dibao_patient, data=claim(self_pay="100", number="JS-1"))
    with pytest.raises(WorkflowError) as exc:  # a double submit
        medical_claim_record(actor=caseworker_sunwu, member=dibao_patient, data=claim(self_pay="100", number="JS-1"))
    assert "medical.duplicate" in exc.value.codes
    assert MedicalClaim.objects.count() == 1


def _row(member, **overrides):
    row = {
        "settlement_number": "YB2026000001",
        "name": member.name,
        "id_number": member.id_number,
        "hospital": "孙吴县人民医院",
        "kind": "住院",
        "treated_on": "2026-03-02",
        "discharged_on": "2026-03-08",
        "total_cost": 4000,
        "policy_cost": 3000,
        "basic_insurance_paid": 2000,
        "critical_insurance_paid": 0,
        "self_pay": 1000,
    }
    row.update(overrides)
    return row


def test_a_claims_file_is_imported_in_order_of_treatment(dibao_patient, tekun_patient, tmp_path):
    medical_standard(medical_deductible_dibao=D("500"))
    data = claims_file(
        [
            _row(dibao_patient, settlement_number="A2", treated_on="2026-05-02", discharged_on="2026-05-09"),
            _row(dibao_patient, settlement_number="A1", self_pay=300),
            _row(tekun_patient, settlement_number="B1", kind="门诊", discharged_on=None, self_pay=200),
        ]
    )
    path = tmp_path / "claims.xlsx"
    path.write_bytes(data)
    call_command("import_medical_claims", str(path))
    by_number = {c.settlement_number: c for c in MedicalClaim.objects.all()}
    assert by_number["A1"].aid == D("0.00")  # 300 of the 500 deductible
    assert by_number["A2"].aid == D("680.00")  # (1000 − 200) × 85%
    assert by_number["B1"].aid == D("200.00")
    assert {c.source for c in by_number.values()} == {"import"}


def test_a_claims_file_with_one_bad_row_writes_nothing(dibao_patient, tekun_patient, household_chenqing, tmp_path):
    outsider = _patient(household_chenqing)  # in the registry, neither 低保 nor 特困
    data = claims_file(
        [
            _row(dibao_patient, settlement_number="A1"),
            _row(tekun_patient, settlement_number="B1", self_pay=5000),  # above the policy-scope cost
            _row(outsider, settlement_number="C1"),
            _row(dibao_patient, settlement_number="A1", treated_on="2026-04-01", discharged_on="2026-04-02"),
        ]
    )
    result = medical_claims_import(actor=None, source=data, source_name="claims.xlsx")
    assert not result.ok
    codes = {(e.row, e.code) for e in result.errors}
    assert codes == {(4, "medical.self_pay_above_policy"), (5, "medical.not_covered"), (6, "medical.duplicate")}
    assert MedicalClaim.objects.count() == 0
    path = tmp_path / "claims.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="3 errors"):
        call_command("import_medical_claims", str(path))
    assert MedicalClaim.objects.count() == 0


def test_only_the_bureau_imports_claims_files(dibao_patient, caseworker_sunwu):
    with pytest.raises(NotAllowed):
        medical_claims_import(actor=caseworker_sunwu, source=claims_file([_row(dibao_patient)]))

"""The pages of medical and temporary assistance: a claim entered, an emergency granted the same
day and its paperwork completed, a case above the limit decided by the county in the admin."""

import datetime
from decimal import Decimal

import pytest

from benefits.medical.models import MedicalClaim
from benefits.temporary.models import TemporaryCase
from tests.benefits.programme_builders import benefit_from_roll

pytestmark = pytest.mark.django_db


def _emergency(client, head, amount: str):
    return client.post(
        "/temporary/new/",
        {
            "member": head.id_number,
            "kind": "emergency",
            "cause": "accident",
            "circumstances": "房屋失火",
            "amount": amount,
            "form": "cash",
            "emergency_grant": "on",
        },
    )


def test_an_emergency_granted_the_same_day_and_completed_afterwards(
    client, household_sunwu, caseworker_sunwu, reviewer_sunwu
):
    head = household_sunwu.members.get(relationship="head")
    client.force_login(caseworker_sunwu)
    response = _emergency(client, head, "800")
    case = TemporaryCase.objects.get()
    assert response.status_code == 302
    client.force_login(reviewer_sunwu)
    page = client.get(f"/temporary/{case.pk}/").content.decode()
    assert "step-approve" in page
    client.post(f"/temporary/{case.pk}/approve/", {"opinion": "情况紧急，先行救助"})
    case.refresh_from_db()
    assert case.status == "granted"
    listing = client.get("/temporary/").content.decode()
    assert case.person_name in listing
    client.force_login(caseworker_sunwu)
    client.post(f"/temporary/{case.pk}/supplement/", {"note": "补齐申请材料"})
    case.refresh_from_db()
    assert case.supplement_completed_on is not None


def test_above_the_limit_the_township_page_refuses_and_the_county_decides_in_the_admin(
    client, household_sunwu, caseworker_sunwu, reviewer_sunwu, bureau_reviewer
):
    head = household_sunwu.members.get(relationship="head")
    client.force_login(caseworker_sunwu)
    _emergency(client, head, "3000")
    case = TemporaryCase.objects.get()
    client.force_login(reviewer_sunwu)
    client.post(f"/temporary/{case.pk}/approve/", {"opinion": "同意"})
    case.refresh_from_db()
    assert case.status == "submitted"
    client.post(f"/temporary/{case.pk}/to-county/", {"opinion": "超限额报县"})
    case.refresh_from_db()
    assert case.status == "county_review"
    client.force_login(bureau_reviewer)
    url = f"/admin/benefits/temporarycase/{case.pk}/decide/"
    assert client.get(url).status_code == 200
    client.post(url, {"decision": "approve", "opinion": "同意"})
    case.refresh_from_db()
    assert case.status == "granted"
    assert case.decided_level == "county"


def test_a_claim_entered_on_the_page(client, household_sunwu, caseworker_sunwu, caseworker_chenqing, bureau_reviewer):
    benefit_from_roll(household_sunwu, actor=bureau_reviewer, programme="dibao")
    head = household_sunwu.members.get(relationship="head")
    client.force_login(caseworker_sunwu)
    data = {
        "member": head.id_number,
        "hospital": "孙吴县人民医院",
        "kind": "inpatient",
        "treated_on": "2026-03-02",
        "discharged_on": "2026-03-09",
        "total_cost": "4000",
        "policy_cost": "3000",
        "basic_insurance_paid": "2000",
        "critical_insurance_paid": "0",
        "self_pay": "1000",
    }
    response = client.post("/medical/new/", data)
    assert response.status_code == 302
    assert MedicalClaim.objects.get().aid == Decimal("850.00")
    assert "850.00" in client.get("/medical/").content.decode()
    bad = client.post("/medical/new/", {**data, "discharged_on": "2026-03-01"})
    assert bad.status_code == 200
    assert MedicalClaim.objects.count() == 1
    client.force_login(caseworker_chenqing)  # another township's member is not offered
    assert client.post("/medical/new/", data).status_code == 200
    assert MedicalClaim.objects.count() == 1
    assert datetime.date(2026, 3, 2) == MedicalClaim.objects.get().treated_on

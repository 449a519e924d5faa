"""One-off 临时救助 payments go through the month's 临时救助 batch like every other yuan: cash
grants only, each once; a failed one waits for its account and is paid in a later batch."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from benefits.models import BatchStatus, ItemResult, PaymentItem
from benefits.payments import services as payments
from benefits.payments.rules import month_key
from benefits.payments.selectors import batches_for
from benefits.payments.totals import month_totals
from benefits.rules import add_months
from benefits.temporary.models import TemporaryPayment
from benefits.temporary.services import TemporaryData, temporary_case_create, temporary_township_approve
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, OutOfScope, WorkflowError
from tests.benefits.payment_builders import agri_bank, bank_file_rows, card_number, export, result_file
from tests.conftest import new_id_number

pytestmark = pytest.mark.django_db


def _grant(caseworker, reviewer, *, member=None, amount="800", **overrides):
    data = {
        "kind": "emergency",
        "cause": "accident",
        "circumstances": "房屋失火，衣物被褥全部烧毁",
        "amount": Decimal(amount),
        "emergency_grant": True,
        "member": member,
        **overrides,
    }
    case = temporary_case_create(actor=caseworker, data=TemporaryData(**data))
    return temporary_township_approve(actor=reviewer, case=case, opinion="同意")


@pytest.fixture
def grants(household_sunwu, caseworker_sunwu, reviewer_sunwu):
    head = household_sunwu.members.get(relationship="head")
    cash = _grant(caseworker_sunwu, reviewer_sunwu, member=head)
    transient = _grant(
        caseworker_sunwu,
        reviewer_sunwu,
        amount="300",
        person_name="外地务工人员李某",
        person_id_number=new_id_number(born="19900101"),
    )
    in_kind = _grant(caseworker_sunwu, reviewer_sunwu, member=head, form="in_kind", in_kind="棉被 2 床")
    return cash.payment, transient.payment, in_kind


def _month():
    return timezone.localdate().replace(day=1)


def _approved(month, *, maker, checker):
    batch, _ = payments.payment_batch_prepare(actor=maker, programme="temporary", month=month)
    return payments.payment_batch_approve(actor=checker, batch=batch)


def test_the_months_batch_pays_the_cash_grants_once_and_not_the_in_kind_ones(
    grants, caseworker_sunwu, bureau_reviewer, bureau_reviewer2
):
    cash, transient, _in_kind = grants
    payments.one_off_payee_set(
        actor=caseworker_sunwu, payment=cash, bank=agri_bank(), account_number=card_number("6228480077")
    )
    batch, created = payments.payment_batch_prepare(actor=bureau_reviewer, programme="temporary", month=_month())
    assert (created, batch.number) == (True, f"LS{_month():%Y%m}")
    items = {i.temporary_payment_id: i for i in batch.items.all()}
    assert set(items) == {cash.pk, transient.pk}
    first = items[cash.pk]
    assert (first.kind, first.amount, first.benefit_id, first.months) == (
        "regular",
        Decimal("800.00"),
        None,
        {month_key(_month()): "800.00"},
    )
    assert first.account_number == card_number("6228480077")
    assert first.household_id == cash.case.household_id
    assert items[transient.pk].household_id is None
    assert (batch.item_count, batch.total) == (2, Decimal("1100.00"))
    with pytest.raises(WorkflowError) as exc:
        payments.payment_batch_approve(actor=bureau_reviewer, batch=batch)
    assert "payments.preparer_cannot_approve" in exc.value.codes
    payments.payment_batch_approve(actor=bureau_reviewer2, batch=batch)
    rows = bank_file_rows(export(batch))
    assert [r[9] for r in rows[1:-1]] == ["临时救助金"]  # the one without an account is not sent
    transient_item = PaymentItem.objects.get(pk=items[transient.pk].pk)
    assert (transient_item.result, transient_item.failure_reason) == (ItemResult.FAILED, "未登记收款账户")
    payments.bank_results_import(actor=None, source=result_file(export(batch)))
    cash.refresh_from_db()
    transient.refresh_from_db()
    assert (cash.status, transient.status) == (TemporaryPayment.Status.PAID, TemporaryPayment.Status.OWED)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED
    assert payments.payments_close_check(actor=system("test")).errors == []

    # Next month: the paid one is not paid again; the failed one waits for its account.
    later = add_months(_month(), 1)
    second = _approved(later, maker=bureau_reviewer, checker=bureau_reviewer2)
    assert not second.items.exists()
    payments.one_off_payee_set(
        actor=caseworker_sunwu, payment=transient, bank=agri_bank(), account_number=card_number("6228480088")
    )
    third, _ = payments.payment_batch_prepare(actor=bureau_reviewer, programme="temporary", month=add_months(later, 1))
    [again] = third.items.all()
    assert (again.temporary_payment_id, again.amount) == (transient.pk, Decimal("300.00"))
    assert again.account_number == card_number("6228480088")


def test_a_planted_one_off_difference_is_found(grants, caseworker_sunwu, bureau_reviewer, bureau_reviewer2):
    batch = _approved(_month(), maker=bureau_reviewer, checker=bureau_reviewer2)
    item = batch.items.get(temporary_payment=grants[0])
    PaymentItem.objects.filter(pk=item.pk).update(amount=Decimal("900"))
    job = payments.payments_close_check(actor=system("test"))
    assert sorted(d["code"] for d in job.errors) == [
        "payments.close.one_off_mismatch",
        "payments.close.total_mismatch",
    ]
    assert [d["items"] for d in job.errors if d["code"] == "payments.close.one_off_mismatch"] == [[item.seq]]


def test_the_one_off_account_is_entered_by_the_townships_caseworker(
    client, grants, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu
):
    cash = grants[0]
    with pytest.raises(OutOfScope):
        payments.one_off_payee_set(
            actor=caseworker_chenqing, payment=cash, bank=agri_bank(), account_number=card_number("6228480077")
        )
    with pytest.raises(InvalidInput) as exc:
        payments.one_off_payee_set(actor=caseworker_sunwu, payment=cash, bank=agri_bank(), account_number="6228")
    assert exc.value.code == "payments.account_length"
    url = reverse("benefits:one-off-payee", args=[cash.pk])
    client.force_login(caseworker_sunwu)
    data = {"bank": agri_bank().pk, "account_number": card_number("6228480077")}
    assert client.post(url, data).status_code == 302
    assert cash.payee.account_number == card_number("6228480077")
    changed = {**data, "account_number": card_number("6228480099")}
    assert client.post(url, changed).status_code == 200  # a change needs its reason
    assert client.post(url, {**changed, "reason": "原卡挂失"}).status_code == 302
    cash.payee.refresh_from_db()
    assert cash.payee.account_number == card_number("6228480099")
    client.force_login(caseworker_chenqing)
    assert client.get(url).status_code == 404
    client.force_login(reviewer_sunwu)
    assert client.get(url).status_code == 403


def test_the_failed_list_links_a_one_off_to_its_account(
    client, grants, caseworker_sunwu, bureau_reviewer, bureau_reviewer2
):
    batch = _approved(_month(), maker=bureau_reviewer, checker=bureau_reviewer2)
    export(batch)  # neither has an account: both recorded failed
    client.force_login(caseworker_sunwu)
    page = client.get(reverse("benefits:failed-payments")).content.decode()
    assert reverse("benefits:one-off-payee", args=[grants[1].pk]) in page
    assert page.count('data-testid="fix-one-off"') == 2


def test_the_month_totals_show_the_one_offs_as_their_own_programme(grants, bureau_reviewer):
    payments.payment_batch_prepare(actor=bureau_reviewer, programme="temporary", month=_month())
    view = month_totals(batches_for(bureau_reviewer), month=_month())
    assert [code for code, _label in view.programmes] == ["temporary"]
    assert view.by_programme["temporary"].total == Decimal("1100.00") == view.total

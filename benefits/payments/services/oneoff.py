"""One-off 临时救助 payments in the month's 临时救助 batch (programme `temporary`), so that every
yuan is paid through a batch, with maker–checker, the bank file and its result like the others.

A month's batch takes every cash grant decided before the end of the month whose payment is
still owed and is not already in a frozen batch awaiting the bank or paid. A failed one is owed
again: it is held while its account is unchanged since the failure, then paid in the next batch.
In-kind grants owe no payment. The payment is marked paid when the bank's result says so."""

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from households.models import Township

from ...models import FROZEN_BATCH_STATUSES, ItemKind, ItemResult, PaymentBatch, PaymentItem
from ...rules import add_months
from ...temporary.models import TemporaryKind, TemporaryPayment
from ...temporary.selectors import payable_one_offs
from .. import rules
from ..selectors import one_off_payee_of

CHUNK = 2000
NOTE = {TemporaryKind.EMERGENCY: "临时救助（急难型）", TemporaryKind.EXPENDITURE: "临时救助（支出型）"}


def _in_a_batch_not_failed() -> Exists:
    return Exists(
        PaymentItem.objects.filter(temporary_payment=OuterRef("pk"), batch__status__in=FROZEN_BATCH_STATUSES).filter(
            ~Q(result=ItemResult.FAILED)
        )
    )


def _held(payment: TemporaryPayment, last_failure: datetime.datetime | None) -> bool:
    """A failed payment waits until its account has been changed since the failure."""
    if last_failure is None:
        return False
    payee = one_off_payee_of(payment)
    return payee is None or payee.changed <= last_failure


def payable_for(month: datetime.date):
    """The one-off payments the month's batch pays, with what their items need."""
    return (
        payable_one_offs(granted_before=add_months(month.replace(day=1), 1))
        .exclude(_in_a_batch_not_failed())
        .select_related("case__household__village", "payee__bank")
        .order_by("township_id", "case__decided_at", "pk")
    )


def _last_failures(payment_ids: list[int]) -> dict[int, datetime.datetime]:
    failures: dict[int, datetime.datetime] = {}
    failed = PaymentItem.objects.filter(temporary_payment_id__in=payment_ids, result=ItemResult.FAILED)
    for payment_id, at in failed.values_list("temporary_payment_id", "result_at"):
        if at is not None and (payment_id not in failures or at > failures[payment_id]):
            failures[payment_id] = at
    return failures


def _item(batch: PaymentBatch, payment: TemporaryPayment, township: str) -> PaymentItem:
    case = payment.case
    payee = one_off_payee_of(payment)
    month = rules.month_key(batch.month)
    return PaymentItem(
        batch=batch,
        kind=ItemKind.REGULAR,
        temporary_payment=payment,
        household_id=case.household_id,
        township_id=payment.township_id,
        township_name=township,
        village_name=case.household.village.name if case.household_id else "",
        head_name=payment.payee_name,
        head_id_number=payment.payee_id_number,
        covered=1,
        classification="",
        start_month=f"{timezone.localtime(case.decided_at):%Y-%m}" if case.decided_at else month,
        note=NOTE.get(case.kind, "临时救助") + ("；流动人员" if case.household_id is None else ""),
        amount=payment.amount,
        months={month: str(payment.amount)},
        explanation=case.explanation,
        payee_name=payee.name if payee else payment.payee_name,
        payee_id_number=payee.id_number if payee else payment.payee_id_number,
        bank_name=payee.bank.name if payee else "",
        account_number=payee.account_number if payee else "",
    )


def oneoff_item_chunks(batch: PaymentBatch) -> Iterator[list[PaymentItem]]:
    """The batch's items, a chunk at a time."""
    townships = dict(Township.objects.values_list("pk", "name"))
    chunk: list[TemporaryPayment] = []
    for payment in payable_for(batch.month).iterator(chunk_size=CHUNK):
        chunk.append(payment)
        if len(chunk) == CHUNK:
            yield _items(batch, chunk, townships)
            chunk = []
    if chunk:
        yield _items(batch, chunk, townships)


def _items(batch: PaymentBatch, payments: list[TemporaryPayment], townships: dict[int, str]) -> list[PaymentItem]:
    failures = _last_failures([p.pk for p in payments])
    return [
        _item(batch, payment, townships.get(payment.township_id, ""))
        for payment in payments
        if not _held(payment, failures.get(payment.pk))
    ]


def one_offs_mark_paid(item_ids: list[int]) -> int:
    """The one-off payments of these items, paid by the bank: no longer owed."""
    paid = PaymentItem.objects.filter(pk__in=item_ids, result=ItemResult.PAID, temporary_payment__isnull=False)
    return TemporaryPayment.objects.filter(
        pk__in=paid.values("temporary_payment_id"), status=TemporaryPayment.Status.OWED
    ).update(status=TemporaryPayment.Status.PAID)

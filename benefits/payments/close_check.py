"""The month-end close 月末核对 (reads): does a frozen batch still add up?

For each batch: the total and the number of items kept when it was prepared equal the sum and
count of its items; and its regular items equal the roll of its month, cell by cell. A roll that
changed because of a decision made after the batch was prepared is no difference as long as it
is settled the way the payments settle it: by an arrears or recovery item for that month in a
later frozen batch (or no later batch has been prepared yet: the next one will carry it).
Everything else is a difference, listed with the items involved; there should be none."""

from decimal import Decimal

from django.db.models import Count, Prefetch, Sum

from ..models import (
    FROZEN_BATCH_STATUSES,
    Benefit,
    BenefitChange,
    ItemKind,
    ItemResult,
    PaymentBatch,
    PaymentItem,
    Programme,
)
from ..roll import iter_roll_rows, roll_cells
from .bankfile import CELL_FIELDS
from .rules import month_key

TOTAL = "payments.close.total_mismatch"
ROLL = "payments.close.roll_mismatch"
MISSING = "payments.close.missing_item"
EXTRA = "payments.close.not_on_roll"
NOT_SETTLED = "payments.close.not_settled"
DUPLICATE = "payments.close.duplicate_item"
ONE_OFF = "payments.close.one_off_mismatch"
ONE_OFF_TWICE = "payments.close.one_off_paid_twice"


def _difference(code: str, detail: str, *, items=(), household: str = "") -> dict:
    return {"code": code, "detail": detail, "items": sorted(items), "household": household}


def _total_differences(batch: PaymentBatch) -> list[dict]:
    found = batch.items.aggregate(count=Count("id"), total=Sum("amount"))
    count, total = found["count"], found["total"] or Decimal("0")
    if count == batch.item_count and total == batch.total:
        return []
    detail = f"批次合计 {batch.total} 元（{batch.item_count} 笔），明细合计 {total} 元（{count} 笔）"
    return [_difference(TOTAL, detail)]


def _later_adjusted(batch: PaymentBatch, benefit_ids: set[int]) -> tuple[bool, set[int]]:
    """(whether a later frozen batch exists, the benefits whose month is settled in one)."""
    later = PaymentBatch.objects.filter(
        programme=batch.programme, status__in=FROZEN_BATCH_STATUSES, month__gt=batch.month
    )
    if not later.exists():
        return False, set()
    key = month_key(batch.month)
    items = PaymentItem.objects.filter(batch__in=later, benefit_id__in=benefit_ids).exclude(kind=ItemKind.REGULAR)
    return True, {benefit_id for benefit_id, months in items.values_list("benefit_id", "months") if key in months}


def _decided_later(benefit: Benefit, batch: PaymentBatch) -> bool:
    """The decision in force in the batch's month now was decided after the batch was prepared."""
    decision = benefit.decision_in(batch.month)
    return decision is not None and decision.created > batch.prepared_at


def _roll_differences(batch: PaymentBatch) -> list[dict]:
    items: dict[int, tuple] = {}
    duplicates = []
    for row in batch.items.filter(kind=ItemKind.REGULAR).values_list("benefit_id", "seq", *CELL_FIELDS):
        if row[0] in items:
            seqs = [items[row[0]][0], row[1]]
            duplicates.append(_difference(DUPLICATE, "同一保障在本批次有两笔正常发放", items=seqs, household=row[4]))
            continue
        items[row[0]] = row[1:]
    unequal: list[tuple[int, object, tuple | None]] = []  # (benefit id, roll row or None, item or None)
    for row in iter_roll_rows(programme=batch.programme, month=batch.month):
        item = items.pop(row.benefit.pk, None)
        cells = tuple(roll_cells(row))
        if item is None or tuple(item[1:]) != cells:
            unequal.append((row.benefit.pk, row, item))
    benefits = {}
    if items:
        changes = Prefetch("changes", queryset=BenefitChange.objects.order_by("effective_month", "created", "id"))
        benefits = {b.pk: b for b in Benefit.objects.filter(pk__in=list(items)).prefetch_related(changes)}
    unequal += [(benefit_id, None, item) for benefit_id, item in items.items()]
    if not unequal:
        return duplicates
    later_exists, settled = _later_adjusted(batch, {benefit_id for benefit_id, _r, _i in unequal})
    differences = duplicates
    for benefit_id, row, item in unequal:
        benefit = row.benefit if row is not None else benefits.get(benefit_id)
        seqs = [item[0]] if item is not None else []
        household = row.head_name if row is not None else item[3]
        if benefit is not None and _decided_later(benefit, batch):
            if not later_exists or benefit_id in settled:
                continue  # changed by a later decision and settled (or to be) by a later batch
            detail = "本月台帐因批次生成后的决定而变化，但其后批次未补发或追回"
            differences.append(_difference(NOT_SETTLED, detail, items=seqs, household=household))
        elif item is None:
            differences.append(_difference(MISSING, f"台帐中有（{row.amount} 元），批次中无", household=household))
        elif row is None:
            differences.append(
                _difference(EXTRA, f"批次中有（{item[7]} 元），不在本月台帐中", items=seqs, household=household)
            )
        else:
            detail = f"台帐 {row.amount} 元，批次 {item[7]} 元" if row.amount != item[7] else "台帐与批次的户信息不一致"
            differences.append(_difference(ROLL, detail, items=seqs, household=household))
    return differences


def oneoff_differences(batch: PaymentBatch) -> list[dict]:
    """A 临时救助 batch: each item pays its one-off payment's amount, and no payment is paid by
    two items that did not fail (there is no roll: the grants are the record)."""
    differences = []
    items = batch.items.select_related("temporary_payment").order_by("seq")
    payment_ids = set()
    for item in items.iterator(chunk_size=2000):
        payment = item.temporary_payment
        if payment is None:
            differences.append(_difference(ONE_OFF, "临时救助批次中的项目没有对应的一次性发放", items=[item.seq]))
            continue
        payment_ids.add(payment.pk)
        if payment.amount != item.amount:
            detail = f"救助金额 {payment.amount} 元，批次 {item.amount} 元"
            differences.append(_difference(ONE_OFF, detail, items=[item.seq], household=item.head_name))
    twice = (
        PaymentItem.objects.filter(temporary_payment_id__in=payment_ids, batch__status__in=FROZEN_BATCH_STATUSES)
        .exclude(result=ItemResult.FAILED)
        .values("temporary_payment_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("temporary_payment_id", flat=True)
    )
    for payment_id in twice:
        seqs = list(batch.items.filter(temporary_payment_id=payment_id).values_list("seq", flat=True))
        differences.append(_difference(ONE_OFF_TWICE, "同一笔临时救助在多个批次中发放", items=seqs))
    return differences


def close_differences(batch: PaymentBatch) -> list[dict]:
    """Every difference of the month-end close of one batch (empty when it adds up)."""
    differences = _total_differences(batch)
    if batch.programme == Programme.TEMPORARY:
        return differences + oneoff_differences(batch)
    return differences + _roll_differences(batch)

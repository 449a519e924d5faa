"""Reads of the payments, scoped to the user; and what a benefit is owed for a month.

What a benefit is owed for a month is the roll's answer (`benefits.roll`): the batch's regular
items are the roll's rows, and arrears compare the roll of a month already paid with what was
paid for it."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from sunwu_relief.models import Job
from sunwu_relief.roles import Role, is_county_wide, role_of, township_id_of

from ..models import COVERED_STATUSES as PAYING
from ..models import (
    FROZEN_BATCH_STATUSES,
    Bank,
    Benefit,
    BenefitChange,
    ItemKind,
    ItemResult,
    Payee,
    PaymentBatch,
    PaymentItem,
    Programme,
)
from ..roll import roll_cells, roll_rows, state_in_month
from ..temporary.models import TemporaryPayment
from .bankfile import CELL_FIELDS
from .close_check import oneoff_differences
from .rules import mask_account, month_key
from .totals import TownshipTotal, batch_totals  # noqa: F401  (read here too)

# Who sees an account number in full: where it is entered (the caseworker's payee form) and where
# it is checked (the bureau reviewer's payment pages). Everyone else sees it masked.
FULL_ACCOUNT_ROLES = frozenset({Role.CASEWORKER, Role.BUREAU_REVIEWER})


def can_see_full_account(user) -> bool:
    return role_of(user) in FULL_ACCOUNT_ROLES


def account_for(user, number: str) -> str:
    return number if can_see_full_account(user) else mask_account(number)


def owed_in_month(benefit: Benefit, month: datetime.date) -> Decimal:
    """The amount the roll of `month` pays this benefit (0 when it is not on that roll)."""
    status, amount = state_in_month(benefit, month)
    return amount if status in PAYING else Decimal("0")


def decision_in_force(benefit: Benefit, month: datetime.date) -> BenefitChange | None:
    """The decision the month's amount rests on (the one rule: `Benefit.decision_in`)."""
    return benefit.decision_in(month)


def month_roll(*, programme: str, month: datetime.date):
    return roll_rows(programme=programme, month=month)


PREPARE_JOB = "payments.prepare"


def preparation_job_for(user, *, pk: int) -> Job | None:
    """A batch preparation's job, for the county's readers (None when not theirs to see)."""
    if not is_county_wide(user):
        return None
    return Job.objects.filter(kind=PREPARE_JOB, pk=pk).first()


CLOSE_JOB = "payments.close_check"


def batches_with_differences(user) -> QuerySet[PaymentBatch]:
    """The month-end close's list: batches whose last check found a difference (normally none)."""
    return batches_for(user).exclude(close_differences=[]).order_by("-month", "programme")


def last_close_job(user) -> Job | None:
    if not is_county_wide(user):
        return None
    return Job.objects.filter(kind=CLOSE_JOB).order_by("-created", "-id").first()


# Scoped reads ---------------------------------------------------------------------------------


def batches_for(user) -> QuerySet[PaymentBatch]:
    if not is_county_wide(user):
        return PaymentBatch.objects.none()
    return PaymentBatch.objects.all()


def items_for(user) -> QuerySet[PaymentItem]:
    role = role_of(user)
    if role is None:
        return PaymentItem.objects.none()
    queryset = PaymentItem.objects.select_related("batch")
    if is_county_wide(user):
        return queryset
    return queryset.filter(township_id=township_id_of(user))


def household_payments(user, *, household) -> list[PaymentItem]:
    """A household's items of frozen batches, newest month first (the household page, the API)."""
    return list(
        items_for(user)
        .filter(household=household, batch__status__in=FROZEN_BATCH_STATUSES)
        .order_by("-batch__month", "seq")
    )


def failed_payments_for(user) -> QuerySet[PaymentItem]:
    """The township's work list: failed items whose months are still owed."""
    return (
        items_for(user)
        .filter(result=ItemResult.FAILED)
        .select_related("benefit__payee", "temporary_payment__payee", "household")
        .order_by("-batch__month", "township_name", "village_name", "seq")
    )


def payee_of(benefit: Benefit) -> Payee | None:
    try:
        return benefit.payee
    except Payee.DoesNotExist:
        return None


def one_off_payee_of(payment: TemporaryPayment) -> Payee | None:
    try:
        return payment.payee
    except Payee.DoesNotExist:
        return None


def item_payee(item: PaymentItem) -> Payee | None:
    """The payee now of what the item pays (its benefit, or its one-off payment)."""
    if item.temporary_payment_id is not None:
        return one_off_payee_of(item.temporary_payment)
    return payee_of(item.benefit) if item.benefit_id is not None else None


def active_banks() -> QuerySet[Bank]:
    return Bank.objects.filter(active=True)


def one_off_payments_for(user) -> QuerySet[TemporaryPayment]:
    """One-off payments a user may see: their township's, or all for the county."""
    if role_of(user) is None:
        return TemporaryPayment.objects.none()
    payments = TemporaryPayment.objects.select_related("case")
    return payments if is_county_wide(user) else payments.filter(township_id=township_id_of(user))


def batch_total(batch: PaymentBatch) -> Decimal:
    return batch.items.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@dataclass(frozen=True)
class CheckDifference:
    household: str
    detail: str


def batch_check(batch: PaymentBatch) -> list[CheckDifference]:
    """Month-end close: the regular items equal the roll of the month, cell by cell. Empty when
    everything agrees (there must be no difference); a frozen batch stays what it was approved as,
    so a later decision for the same month shows here (and is paid as arrears next month)."""
    if batch.programme == Programme.TEMPORARY:
        return [CheckDifference(d["household"], d["detail"]) for d in oneoff_differences(batch)]
    roll = {
        (row.benefit.pk if row.benefit else 0): row for row in month_roll(programme=batch.programme, month=batch.month)
    }
    items = {item.benefit_id: item for item in batch.items.filter(kind=ItemKind.REGULAR)}
    differences = []
    for benefit_id in sorted(set(roll) | set(items)):
        row, item = roll.get(benefit_id), items.get(benefit_id)
        if row is None:
            differences.append(CheckDifference(item.head_name, "不在本月台帐中"))
        elif item is None:
            differences.append(CheckDifference(row.head_name, "台帐中有，批次中无"))
        elif roll_cells(row) != item_cells(item):
            differences.append(CheckDifference(row.head_name, f"台帐 {row.amount}，批次 {item.amount}"))
    return differences


def item_cells(item: PaymentItem) -> list:
    """A regular item's cells that repeat its roll row's (`roll_cells`)."""
    return [getattr(item, name) for name in CELL_FIELDS]


def paid_months_before(*, programme: str, before: datetime.date) -> set[str]:
    """The months before `before` that have a frozen batch (the months already paid)."""
    return {
        month_key(m)
        for m in PaymentBatch.objects.filter(
            programme=programme, status__in=FROZEN_BATCH_STATUSES, month__lt=before
        ).values_list("month", flat=True)
    }


def paid_by_month_of(*, programme: str, benefit_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """For each of these benefits, what has been paid (items of frozen batches not failed) per
    month covered. Asked a chunk of benefits at a time, so it never holds the county's history."""
    paid: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    items = PaymentItem.objects.filter(
        batch__programme=programme, batch__status__in=FROZEN_BATCH_STATUSES, benefit_id__in=benefit_ids
    ).exclude(result=ItemResult.FAILED)
    for benefit_id, months in items.values_list("benefit_id", "months"):
        for month, amount in months.items():
            paid[benefit_id][month] += Decimal(amount)
    return paid


def unfixed_failed_months(*, programme: str) -> dict[int, set[str]]:
    """Months of failed items whose account has not been changed since the failure: still owed,
    but held until the township fixes the account."""
    held: dict[int, set[str]] = defaultdict(set)
    failed = PaymentItem.objects.filter(batch__programme=programme, result=ItemResult.FAILED).select_related(
        "benefit__payee"
    )
    for item in failed:
        payee = payee_of(item.benefit)
        if payee is None or item.result_at is None or payee.changed <= item.result_at:
            held[item.benefit_id].update(item.months)
    return held

"""The demo payments: paid months, failed items, one fixed and paid as arrears, this month's draft."""

import pytest

from benefits.models import ApplicationStatus, BatchStatus, ItemKind, ItemResult, PaymentBatch
from benefits.payments.demo import seed_payments
from benefits.rules import add_months
from sunwu_relief import clock

pytestmark = pytest.mark.django_db


def test_seed_payments_pays_two_months_with_failures_and_one_arrears_item(
    cases, bureau_reviewer, bureau_reviewer2, caseworker_sunwu, monkeypatch, township_sunwu
):
    benefits = [cases.to(ApplicationStatus.APPROVED).benefit for _ in range(3)]
    start = benefits[0].start_month
    monkeypatch.setattr(clock, "today", lambda: add_months(start, 2))
    seed_payments(bureau=bureau_reviewer, checker=bureau_reviewer2, caseworkers={township_sunwu.pk: caseworker_sunwu})
    first, second, current = PaymentBatch.objects.order_by("month")
    assert [b.status for b in (first, second, current)] == [BatchStatus.SETTLED, BatchStatus.SETTLED, BatchStatus.DRAFT]
    assert first.items.filter(result=ItemResult.FAILED).count() == 2
    arrears = second.items.get(kind=ItemKind.ARREARS)
    assert arrears.months == {f"{start:%Y-%m}": str(arrears.amount)}
    assert arrears.result == ItemResult.PAID

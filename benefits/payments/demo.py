"""Demo payments for seed_demo: every paying benefit gets its head as payee, the two months before
this one are paid (prepared by one bureau reviewer, approved by another, sent to the bank, its
result imported) with a few failed payments, one of them fixed and paid as arrears the month
after; this month's batch is left as a draft to approve."""

import hashlib
import io

from openpyxl import Workbook

from households.models import Relationship
from sunwu_relief import clock

from ..models import COVERED_STATUSES as PAYING
from ..models import Bank, Benefit, ItemResult
from ..rules import add_months
from . import bankfile, rules, services

FAILURES = ["户名与账号不符", "账户已冻结", "卡片已挂失"]


def demo_account(seed: str) -> str:
    """A 19-digit card number with a valid Luhn digit, the same for the same seed."""
    digits = "622848" + str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))[:12]
    for check in "0123456789":
        candidate = digits + check
        if rules.luhn_valid(candidate):
            return candidate
    raise AssertionError("unreachable")


def _result_file(batch, failed: dict[int, str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("回盘")
    sheet.append(bankfile.RESULT_HEADERS)
    for item in batch.items.exclude(account_number="").order_by("seq"):
        reason = failed.get(item.seq, "")
        row = [None] * len(bankfile.HEADERS)
        row[0], row[1], row[8] = item.seq, batch.number, item.amount
        sheet.append([*row, bankfile.RESULT_FAILED if reason else bankfile.RESULT_PAID, reason])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_payments(*, bureau, checker, caseworkers: dict[int, object]) -> None:
    bank = Bank.objects.filter(uses_luhn=True).order_by("name").first()
    benefits = Benefit.objects.filter(programme="dibao", status__in=PAYING).select_related("household").order_by("pk")
    for benefit in benefits:
        head = benefit.household.members.filter(relationship=Relationship.HEAD).first()
        actor = caseworkers.get(benefit.township_id)
        if head is None or actor is None:
            continue
        services.payee_set(
            actor=actor, benefit=benefit, bank=bank, account_number=demo_account(benefit.household.number), member=head
        )
    month = clock.current_month()
    fixed = None
    for back in (2, 1):
        batch, _ = services.payment_batch_prepare(actor=bureau, programme="dibao", month=add_months(month, -back))
        services.payment_batch_approve(actor=checker, batch=batch)
        services.payment_batch_export(actor=checker, batch=batch, target=io.BytesIO())
        regular = list(batch.items.filter(kind="regular").exclude(account_number="").order_by("seq"))
        failed = {item.seq: FAILURES[i] for i, item in enumerate(regular[0:3:2])} if back == 2 else {}
        services.bank_results_import(
            actor=checker, source=_result_file(batch, failed), filename=f"{batch.number}回盘.xlsx"
        )
        if back == 2 and failed:
            # The township fixes one failed account: the month is paid as arrears next month.
            fixed = batch.items.get(seq=min(failed), result=ItemResult.FAILED).benefit
            payee = fixed.payee
            services.payee_set(
                actor=caseworkers[fixed.township_id],
                benefit=fixed,
                bank=bank,
                account_number=demo_account(f"{fixed.household.number}新卡"),
                member=payee.member,
                reason="原卡户名不符，已换本人新卡",
            )
    services.payment_batch_prepare(actor=bureau, programme="dibao", month=month)

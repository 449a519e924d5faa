"""The bank's result file: each item paid or failed, all or nothing with every row error; the
same file again changes nothing. After every import the month-end close check runs again."""

import hashlib
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.xlsx import XlsxError, read_xlsx

from ...models import BankResultImport, BatchStatus, ItemResult, PaymentBatch, PaymentItem
from .. import bankfile, events
from .close import payments_close_check_start
from .oneoff import one_offs_mark_paid
from .prepare import ensure_bureau


def settle_if_done(batch: PaymentBatch) -> bool:
    """An exported batch whose every item has a result is settled."""
    if batch.status != BatchStatus.EXPORTED or batch.items.filter(result=ItemResult.PENDING).exists():
        return False
    batch.status = BatchStatus.SETTLED
    batch.settled_at = timezone.now()
    batch.save(update_fields=["status", "settled_at"])
    record_event(actor=None, action=events.SETTLE, obj=batch, number=batch.number)
    return True


class ResultFileInvalid(InvalidInput):
    """The result file has row errors (`errors`, every one of them); nothing was written."""

    def __init__(self, errors: list[XlsxError]) -> None:
        super().__init__(_("The result file has errors; nothing was imported."), code="payments.result_file_invalid")
        self.errors = errors
        self.codes = sorted({e.code for e in errors}) or [self.code]


def _row_error(row: int, column: str, code: str, message: str) -> XlsxError:
    return XlsxError(row=row, column=column, message=message, code=code)


def bank_results_import(*, actor, source: bytes, filename: str = "") -> tuple[BankResultImport, bool]:
    """Import the bank's result file: all or nothing, every row error; the same file again is a
    no-op (returns the first import and False). Raises InvalidInput with `errors` (XlsxError)."""
    if actor is not None:
        ensure_bureau(actor)
    digest = hashlib.sha256(source).hexdigest()
    existing = BankResultImport.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    parsed = read_xlsx(source, columns=bankfile.RESULT_COLUMNS, header=bankfile.RESULT_HEADER)
    errors = list(parsed.errors)
    rows = [r for r in parsed.rows if str(r.values.get("seq") or "").strip() != bankfile.TOTAL_LABEL]
    batches = {
        b.number: b
        for b in PaymentBatch.objects.filter(number__in={str(r.values.get("batch") or "").strip() for r in rows})
    }
    wanted = defaultdict(set)
    for row in rows:
        seq = bankfile.parse_seq(row.values.get("seq"))
        number = str(row.values.get("batch") or "").strip()
        if seq is not None and number in batches:
            wanted[batches[number].pk].add(seq)
    items = {}
    for batch_id, seqs in wanted.items():
        for item in PaymentItem.objects.filter(batch_id=batch_id, seq__in=seqs):
            items[(batch_id, item.seq)] = item
    seen: dict[tuple[int, int], int] = {}
    updates: list[tuple[PaymentItem, str, str]] = []
    unchanged = 0
    for row in rows:
        values, n = row.values, row.number
        number = str(values.get("batch") or "").strip()
        seq = bankfile.parse_seq(values.get("seq"))
        if seq is None:
            errors.append(_row_error(n, "序号", "payments.bad_seq", "序号应为正整数。"))
            continue
        batch = batches.get(number)
        if batch is None:
            errors.append(_row_error(n, "批次号", "payments.unknown_batch", f"没有批次 {number or '（空）'}。"))
            continue
        if batch.status not in (BatchStatus.EXPORTED, BatchStatus.SETTLED):
            errors.append(_row_error(n, "批次号", "payments.batch_not_exported", f"批次 {number} 尚未报送银行。"))
            continue
        item = items.get((batch.pk, seq))
        if item is None:
            errors.append(_row_error(n, "序号", "payments.unknown_item", f"批次 {number} 中没有序号 {seq}。"))
            continue
        if (batch.pk, seq) in seen:
            errors.append(
                _row_error(
                    n, "序号", "payments.result_twice", f"序号 {seq} 的结果已在第 {seen[(batch.pk, seq)]} 行给出。"
                )
            )
            continue
        seen[(batch.pk, seq)] = n
        amount = bankfile.parse_amount(values.get("amount"))
        if amount is None or amount != item.amount:
            errors.append(
                _row_error(
                    n,
                    "金额(元)",
                    "payments.amount_mismatch",
                    f"金额 {values.get('amount')} 与发放金额 {item.amount} 不符。",
                )
            )
            continue
        text = str(values.get("result") or "").strip()
        if text not in (bankfile.RESULT_PAID, bankfile.RESULT_FAILED):
            errors.append(_row_error(n, "发放结果", "payments.bad_result", "发放结果应为“成功”或“失败”。"))
            continue
        result = ItemResult.PAID if text == bankfile.RESULT_PAID else ItemResult.FAILED
        reason = str(values.get("reason") or "").strip() if result == ItemResult.FAILED else ""
        if result == ItemResult.FAILED and not reason:
            errors.append(_row_error(n, "失败原因", "payments.reason_missing", "发放失败时请填写失败原因。"))
            continue
        if item.result:
            if item.result != result:
                errors.append(
                    _row_error(
                        n, "发放结果", "payments.result_conflict", f"序号 {seq} 已记录为“{item.get_result_display()}”。"
                    )
                )
            else:
                unchanged += 1
            continue
        updates.append((item, result, reason[:200]))
    if errors:
        raise ResultFileInvalid(errors)
    return _apply_results(actor=actor, digest=digest, filename=filename, updates=updates, unchanged=unchanged)


@transaction.atomic
def _apply_results(*, actor, digest: str, filename: str, updates, unchanged: int) -> tuple[BankResultImport, bool]:
    # One result file at a time: the same file twice at once waits for the first and returns it
    # (without the lock the second failed on the file's unique digest, a 500).
    advisory_lock(LockKey.BANK_RESULTS)
    existing = BankResultImport.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    record = BankResultImport.objects.create(
        sha256=digest,
        filename=filename[:200],
        imported_by=actor if getattr(actor, "pk", None) else None,
        paid=sum(1 for _i, r, _w in updates if r == ItemResult.PAID),
        failed=sum(1 for _i, r, _w in updates if r == ItemResult.FAILED),
        unchanged=unchanged,
    )
    now = timezone.now()
    batch_ids = set()
    for item, result, reason in updates:
        # Compare-and-swap: a result recorded meanwhile by another import is not overwritten.
        PaymentItem.objects.filter(pk=item.pk, result=ItemResult.PENDING).update(
            result=result, failure_reason=reason, result_at=now, result_import=record
        )
        batch_ids.add(item.batch_id)
    one_offs_mark_paid([item.pk for item, result, _reason in updates if result == ItemResult.PAID])
    for batch in PaymentBatch.objects.select_for_update().filter(pk__in=batch_ids):
        settle_if_done(batch)
    record_event(actor=actor, action=events.RESULTS, obj=record, paid=record.paid, failed=record.failed)
    # The month-end close of the batches this file touched, once the results are committed.
    payments_close_check_start(actor=actor or system("task:import_bank_results"), batch_ids=sorted(batch_ids))
    return record, True

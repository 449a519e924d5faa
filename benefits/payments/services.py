"""Writes of the payments: the payee, a month's batch (prepare, approve, discard), the bank file's
export and the bank's result. Every entry point (admin, pages, commands) calls these.

A batch is prepared from the roll of its month (regular items, cell by cell the roll's rows) and
from what the frozen batches of earlier months paid: a month paid less than its roll now says is
owed the difference (arrears), a month paid more is recovered (a negative item). A failed bank
payment is not paid: it is owed again, and goes into the next batch once the account changed."""

import datetime
import hashlib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Member, Relationship
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role, role_of, township_id_of
from sunwu_relief.text import validate_plain_text
from sunwu_relief.xlsx import XlsxError, read_xlsx

from ..models import Benefit, Programme
from ..models_payments import (
    Bank,
    BankResultImport,
    BatchStatus,
    ItemKind,
    ItemResult,
    Payee,
    PaymentBatch,
    PaymentItem,
)
from ..roll import CLASS_LABELS, roll_benefits
from . import bankfile, rules
from .selectors import (
    batch_check,
    decision_in_force,
    month_roll,
    owed_in_month,
    paid_by_month,
    payee_of,
    unfixed_failed_months,
)

PAYABLE_PROGRAMMES = frozenset({Programme.DIBAO, Programme.TEKUN})
BATCH_PREFIX = {Programme.DIBAO: "DB", Programme.TEKUN: "TK"}


def _problem(code: str, message: str) -> Problem:
    return Problem(code, message)


# Payee ----------------------------------------------------------------------------------------


@transaction.atomic
def payee_set(
    *,
    actor,
    benefit: Benefit,
    bank: Bank,
    account_number: str,
    member: Member | None = None,
    guardian_name: str = "",
    guardian_id_number: str = "",
    reason: str = "",
) -> Payee:
    """Set or change who receives a benefit and on which account. The head needs no reason;
    another member, a guardian and every change of an existing payee do. Audited (masked)."""
    from households.ids import validate_id_number

    benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
    role = role_of(actor)
    if role == Role.CASEWORKER and township_id_of(actor) != benefit.township_id:
        raise OutOfScope()
    if role not in (Role.CASEWORKER, Role.BUREAU_REVIEWER):
        raise OutOfScope() if role in (None, Role.POVERTY_OFFICE) else NotAllowed()
    reason = (reason or "").strip()
    validate_plain_text(reason, multiline=True) if reason else None
    number = rules.normalise_account(account_number or "")
    problem = rules.account_problem(number, uses_luhn=bank.uses_luhn)
    if problem is not None:
        code, message = problem
        raise InvalidInput(field_errors={"account_number": [message]}, code=code, problems=[_problem(code, message)])
    if not bank.active:
        raise InvalidInput(field_errors={"bank": [_("This bank is no longer used.")]}, code="payments.bank_inactive")
    if member is not None:
        if member.household_id != benefit.household_id:
            raise InvalidInput(field_errors={"member": [_("Choose a member of this household.")]})
        name, id_number = member.name, member.id_number
    else:
        name = (guardian_name or "").strip()
        validate_plain_text(name)
        try:
            id_number = validate_id_number(guardian_id_number or "")
        except Exception as exc:
            raise InvalidInput(field_errors={"guardian_id_number": [_("Enter a valid ID number.")]}) from exc
        if not name:
            raise InvalidInput(field_errors={"guardian_name": [_("Enter the guardian's name.")]})
    current = payee_of(benefit)
    needs_reason = current is not None or member is None or member.relationship != Relationship.HEAD
    if needs_reason and not reason:
        raise InvalidInput(
            field_errors={"reason": [_("Give the reason for this payee or this change.")]},
            code="payments.payee_reason_required",
            problems=[_problem("payments.payee_reason_required", _("Give the reason for this payee or this change."))],
        )
    if current is not None and (
        current.member_id == getattr(member, "pk", None)
        and current.bank_id == bank.pk
        and current.account_number == number
        and current.name == name
    ):
        return current  # nothing changes: a second submit is a no-op
    payee = current or Payee(benefit=benefit, township_id=benefit.township_id)
    old_account = rules.mask_account(current.account_number) if current else ""
    payee.member, payee.name, payee.id_number = member, name, id_number
    payee.bank, payee.account_number, payee.reason = bank, number, reason
    payee.changed_by = actor if getattr(actor, "pk", None) else None
    payee.changed = timezone.now()
    payee._history_user = payee.changed_by
    payee.save()
    record_event(
        actor=actor,
        action="payee.set" if current is None else "payee.change",
        obj=payee,
        benefit_id=benefit.pk,
        bank=bank.name,
        old_account=old_account,
        new_account=rules.mask_account(number),
        reason=reason,
    )
    return payee


# Batch ----------------------------------------------------------------------------------------


def _ensure_bureau(actor) -> None:
    role = role_of(actor)
    if role in (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, None):
        raise OutOfScope()
    if role != Role.BUREAU_REVIEWER:
        raise NotAllowed(code="payments.bureau_only")


def batch_number(programme: str, month: datetime.date) -> str:
    return f"{BATCH_PREFIX.get(programme, programme.upper()[:2])}{month:%Y%m}"


def _payees(programme: str) -> dict[int, Payee]:
    """Every payee of the programme's benefits with its bank, in one query (a batch has many)."""
    return {p.benefit_id: p for p in Payee.objects.filter(benefit__programme=programme).select_related("bank")}


def _payee_fields(benefit: Benefit, payees: dict[int, Payee]) -> dict:
    payee = payees.get(benefit.pk)
    if payee is None:
        return {}
    return {
        "payee_name": payee.name,
        "payee_id_number": payee.id_number,
        "bank_name": payee.bank.name,
        "account_number": payee.account_number,
    }


def _household_cells(benefit: Benefit) -> dict:
    head = benefit.household.heads[0] if benefit.household.heads else None
    return {
        "benefit": benefit,
        "household_id": benefit.household_id,
        "township_id": benefit.township_id,
        "township_name": benefit.household.township.name,
        "village_name": benefit.household.village.name,
        "head_name": head.name if head else "",
        "head_id_number": head.id_number if head else "",
        "covered": benefit.covered_count,
        "classification": CLASS_LABELS.get(benefit.classification, ""),
        "start_month": f"{benefit.start_month:%Y-%m}",
    }


def _regular_items(batch: PaymentBatch, payees: dict[int, Payee]) -> list[PaymentItem]:
    items = []
    for row in month_roll(programme=batch.programme, month=batch.month):
        benefit = row.benefit
        decision = decision_in_force(benefit, batch.month)
        items.append(
            PaymentItem(
                batch=batch,
                kind=ItemKind.REGULAR,
                benefit=benefit,
                household_id=benefit.household_id,
                township_id=benefit.township_id,
                township_name=row.township,
                village_name=row.village,
                head_name=row.head_name,
                head_id_number=row.head_id_number,
                covered=row.covered,
                classification=row.classification,
                start_month=row.start_month,
                note=row.note,
                amount=row.amount,
                months={rules.month_key(batch.month): str(row.amount)},
                decision=decision,
                explanation=(decision.explanation if decision else "") or benefit.amount_explanation,
                **_payee_fields(benefit, payees),
            )
        )
    return items


def _difference_items(batch: PaymentBatch, payees: dict[int, Payee]) -> list[PaymentItem]:
    """Arrears and recoveries for the months already paid (frozen batches of earlier months)."""
    paid, paid_months = paid_by_month(programme=batch.programme, before=batch.month)
    if not paid_months:
        return []
    held = unfixed_failed_months(programme=batch.programme)
    months = sorted(rules.parse_month(m) for m in paid_months)
    items = []
    for benefit in roll_benefits(programme=batch.programme, month=months[-1]):
        owed = {
            rules.month_key(m): owed_in_month(benefit, m) for m in months if m >= benefit.start_month.replace(day=1)
        }
        already = {m: a for m, a in paid.get(benefit.pk, {}).items() if m in paid_months}
        for month in held.get(benefit.pk, ()):
            owed.pop(month, None)
            already.pop(month, None)
        owed = {m: a for m, a in owed.items() if a or m in already}
        arrears, recovery = rules.differences(owed=owed, paid=already)
        cells = _household_cells(benefit)
        for kind, parts, reason in (
            (ItemKind.ARREARS, arrears, "补发已发放月份的差额"),
            (ItemKind.RECOVERY, recovery, "追回已发放月份的多发金额"),
        ):
            if not parts:
                continue
            last = rules.parse_month(max(parts))
            decision = decision_in_force(benefit, last)
            failed_before = {m for m in parts if already.get(m, Decimal("0")) == 0}
            why = reason + ("（含发放失败月份）" if kind == ItemKind.ARREARS and failed_before else "")
            items.append(
                PaymentItem(
                    batch=batch,
                    kind=kind,
                    amount=sum(parts.values(), Decimal("0")),
                    months={m: str(a) for m, a in sorted(parts.items())},
                    decision=decision,
                    explanation=(decision.explanation if decision else "") or benefit.amount_explanation,
                    reason=why,
                    note="",
                    **cells,
                    **_payee_fields(benefit, payees),
                )
            )
    return items


@transaction.atomic
def payment_batch_prepare(*, actor, programme: str, month: datetime.date) -> tuple[PaymentBatch, bool]:
    """Prepare the month's batch from the decisions in force (or return it when it exists)."""
    _ensure_bureau(actor)
    if programme not in PAYABLE_PROGRAMMES:
        raise InvalidInput(field_errors={"programme": [_("Monthly payments are made for 低保 and 特困 only.")]})
    month = month.replace(day=1)
    existing = PaymentBatch.objects.filter(programme=programme, month=month).first()
    if existing is not None:
        return existing, False
    open_draft = PaymentBatch.objects.filter(programme=programme, status=BatchStatus.DRAFT).first()
    if open_draft is not None:
        raise WorkflowError(
            problems=[
                _problem(
                    "payments.draft_open",
                    _("Batch %(number)s is still a draft: approve or discard it first.")
                    % {"number": open_draft.number},
                )
            ]
        )
    batch = PaymentBatch.objects.create(
        programme=programme, month=month, number=batch_number(programme, month), prepared_by=actor
    )
    payees = _payees(programme)
    items = _regular_items(batch, payees) + _difference_items(batch, payees)
    for seq, item in enumerate(items, start=1):
        item.seq = seq
    PaymentItem.objects.bulk_create(items, batch_size=2000)
    record_event(
        actor=actor,
        action="payments.prepare",
        obj=batch,
        items=len(items),
        total=str(sum((i.amount for i in items), Decimal("0"))),
    )
    return batch, True


@transaction.atomic
def payment_batch_discard(*, actor, batch: PaymentBatch) -> None:
    """Throw a draft away (to prepare it again from the decisions now in force)."""
    _ensure_bureau(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DRAFT:
        raise WorkflowError(problems=[_problem("payments.frozen", _("An approved batch is frozen."))])
    record_event(actor=actor, action="payments.discard", obj=batch, number=batch.number)
    batch.items.all().delete()
    batch.delete()


@transaction.atomic
def payment_batch_approve(*, actor, batch: PaymentBatch) -> PaymentBatch:
    """The checker's approval (maker–checker): a county user other than the preparer; frozen."""
    _ensure_bureau(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DRAFT:
        if batch.approved_by_id == actor.pk:
            return batch  # a second submit of the same approval
        raise WorkflowError(problems=[_problem("payments.not_draft", _("This batch is not a draft any more."))])
    problems = []
    if batch.prepared_by_id == actor.pk:
        problems.append(
            _problem("payments.preparer_cannot_approve", _("The user who prepared a batch cannot approve it."))
        )
    differences = batch_check(batch)
    if differences:
        problems.append(
            _problem(
                "payments.roll_changed",
                _(
                    "The roll of the month changed since the batch was prepared (%(count)s households): discard and prepare it again."
                )
                % {"count": len(differences)},
            )
        )
    if problems:
        raise WorkflowError(problems=problems)
    batch.status = BatchStatus.APPROVED
    batch.approved_by = actor
    batch.approved_at = timezone.now()
    batch.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(actor=actor, action="payments.approve", obj=batch, number=batch.number)
    return batch


def payment_batch_export(*, actor, batch: PaymentBatch, target: Path | str | IO[bytes]) -> tuple[int, Decimal]:
    """Write the approved batch as the bank's file; the first export moves it to `exported`.
    Items without an account cannot be sent: they are recorded failed (owed, paid once fixed)."""
    if actor is not None:
        _ensure_bureau(actor)
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.SETTLED):
            raise WorkflowError(
                problems=[_problem("payments.not_approved", _("Only an approved batch can be sent to the bank."))]
            )
        if batch.status == BatchStatus.APPROVED:
            now = timezone.now()
            batch.items.filter(account_number="", result=ItemResult.PENDING).update(
                result=ItemResult.FAILED, failure_reason="未登记收款账户", result_at=now
            )
            batch.status = BatchStatus.EXPORTED
            batch.exported_at = now
            batch.save(update_fields=["status", "exported_at"])
            record_event(actor=actor, action="payments.export", obj=batch, number=batch.number)
            _settle_if_done(batch)
    items = batch.items.exclude(account_number="").order_by("seq").iterator(chunk_size=5000)
    return bankfile.write_bank_file(batch, items, target)


def _settle_if_done(batch: PaymentBatch) -> bool:
    if batch.status != BatchStatus.EXPORTED or batch.items.filter(result=ItemResult.PENDING).exists():
        return False
    batch.status = BatchStatus.SETTLED
    batch.settled_at = timezone.now()
    batch.save(update_fields=["status", "settled_at"])
    record_event(actor=None, action="payments.settle", obj=batch, number=batch.number)
    return True


# Bank result ----------------------------------------------------------------------------------


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
        _ensure_bureau(actor)
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
    for batch in PaymentBatch.objects.select_for_update().filter(pk__in=batch_ids):
        _settle_if_done(batch)
    record_event(actor=actor, action="payments.results", obj=record, paid=record.paid, failed=record.failed)
    return record, True

"""Writes of the payments: the payee and a batch's life after preparation (approve, discard,
export). Preparing is in `prepare.py`, the bank's result in `results.py`; their services are
named here too, so every entry point (admin, pages, commands, tasks) imports this module.

A failed bank payment is not paid: it is owed again, and goes into the next batch once the
account changed."""

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

from ..models import Benefit
from ..models_payments import Bank, BatchStatus, ItemResult, Payee, PaymentBatch
from . import bankfile, rules
from .prepare import (  # noqa: F401  (the public names of the payments' writes)
    BATCH_PREFIX,
    PAYABLE_PROGRAMMES,
    batch_number,
    ensure_bureau,
    payment_batch_prepare,
    payment_batch_prepare_start,
)
from .results import ResultFileInvalid, bank_results_import, settle_if_done  # noqa: F401
from .selectors import batch_check, payee_of

_ensure_bureau = ensure_bureau


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
            settle_if_done(batch)
    items = batch.items.exclude(account_number="").order_by("seq").iterator(chunk_size=5000)
    return bankfile.write_bank_file(batch, items, target)

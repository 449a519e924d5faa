"""A batch's life after preparation: the checker's approval (frozen from then on), discarding a
draft, the export of the bank file."""

from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.errors import Problem, WorkflowError

from ...models import BatchStatus, ItemResult, PaymentBatch
from .. import bankfile, events
from ..selectors import batch_check
from .prepare import ensure_bureau
from .results import settle_if_done

_ensure_bureau = ensure_bureau


def _problem(code: str, message: str) -> Problem:
    return Problem(code, message)


@transaction.atomic
def payment_batch_discard(*, actor, batch: PaymentBatch) -> None:
    """Throw a draft away (to prepare it again from the decisions now in force)."""
    _ensure_bureau(actor)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DRAFT:
        raise WorkflowError(problems=[_problem("payments.frozen", _("An approved batch is frozen."))])
    record_event(actor=actor, action=events.DISCARD, obj=batch, number=batch.number)
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
    record_event(actor=actor, action=events.APPROVE, obj=batch, number=batch.number)
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
            record_event(actor=actor, action=events.EXPORT, obj=batch, number=batch.number)
            settle_if_done(batch)
    items = batch.items.exclude(account_number="").order_by("seq").values_list(*bankfile.ITEM_FIELDS)
    return bankfile.write_bank_file(batch, items.iterator(chunk_size=5000), target)

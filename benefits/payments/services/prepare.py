"""Preparing a month's batch: from the roll of the month (regular items, cell by cell the roll's
rows) and from what the frozen batches of earlier months paid (arrears and recoveries).

The regular items are the roll's rows read as plain rows (`roll_sources`) with their payees, in
a fixed number of queries, and written in one statement (COPY on PostgreSQL). The arrears pass is
streamed: its benefits are read a chunk at a time with their decisions, heads and payees, and each
chunk's items are written before the next is read.
One preparation of a programme's month at a time (`LockKey.PAYMENT_BATCH`); a long one runs as a
job (`payment_batch_prepare_start`) whose progress the admin shows."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.db import transaction
from django.utils.translation import gettext as _

from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, Problem, WorkflowError
from sunwu_relief.jobs import job_create, job_enqueue
from sunwu_relief.locks import LockKey, advisory_lock
from sunwu_relief.models import Job
from sunwu_relief.roles import Role, role_of
from sunwu_relief.rows import copy_rows

from ...models import BatchStatus, Benefit, ItemKind, Payee, PaymentBatch, PaymentItem, Programme
from ...roll import CLASS_LABELS, roll_benefits, roll_cells, roll_sources
from .. import events, rules
from ..bankfile import CELL_FIELDS
from ..selectors import (
    PREPARE_JOB,
    decision_in_force,
    owed_in_month,
    paid_by_month_of,
    paid_months_before,
    unfixed_failed_months,
)
from .oneoff import oneoff_item_chunks, payable_for

PAYABLE_PROGRAMMES = frozenset({Programme.DIBAO, Programme.TEKUN, Programme.TEMPORARY})
BATCH_PREFIX = {Programme.DIBAO: "DB", Programme.TEKUN: "TK", Programme.TEMPORARY: "LS"}
LOCK_PROGRAMME = {Programme.DIBAO: 1, Programme.TEKUN: 2, Programme.TEMPORARY: 3}
CHUNK = 2000

Progress = Callable[[int, int], None]


def ensure_bureau(actor) -> None:
    """The payments are the bureau reviewer's work: township roles get 404, others 403."""
    if actor is None:
        raise TypeError("actor is required")
    role = role_of(actor)
    if role in (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, None):
        raise OutOfScope()
    if role != Role.BUREAU_REVIEWER:
        raise NotAllowed(code="payments.bureau_only")


def batch_number(programme: str, month: datetime.date) -> str:
    return f"{BATCH_PREFIX.get(programme, programme.upper()[:2])}{month:%Y%m}"


def lock_sub_key(programme: str, month: datetime.date) -> int:
    """The advisory lock's second key: one per programme and month (e.g. 1_202701)."""
    return LOCK_PROGRAMME[programme] * 1_000_000 + month.year * 100 + month.month


def chunks(iterable: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def payees_of(benefit_ids: Iterable[int]) -> dict[int, Payee]:
    return {p.benefit_id: p for p in Payee.objects.filter(benefit_id__in=list(benefit_ids)).select_related("bank")}


def payee_fields(payee: Payee | None) -> dict:
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


# The fields of a regular item, in the order of the tuples `_regular_rows` makes.
REGULAR_FIELDS = (
    "batch",
    "seq",
    "kind",
    "benefit",
    "household",
    "township_id",
    *CELL_FIELDS,
    "months",
    "decision",
    "explanation",
    "reason",
    "payee_name",
    "payee_id_number",
    "bank_name",
    "account_number",
    "result",
    "failure_reason",
)


AMOUNT = REGULAR_FIELDS.index("amount")


def _regular_rows(batch: PaymentBatch) -> list[tuple]:
    """The regular items of the month: the roll's rows in the roll's order (`roll_sources`, read
    as plain rows), each with its payee; values of REGULAR_FIELDS (numbered from 1)."""
    roll = roll_sources(programme=batch.programme, month=batch.month)
    payees = {
        benefit_id: (name, id_number, bank, account)
        for benefit_id, name, id_number, bank, account in Payee.objects.filter(
            benefit__in=roll_benefits(programme=batch.programme, month=batch.month).order_by().values("pk")
        ).values_list("benefit_id", "name", "id_number", "bank__name", "account_number")
    }
    month = rules.month_key(batch.month)
    no_payee = ("", "", "", "")
    rows = []
    for seq, (row, source) in enumerate(roll, start=1):
        rows.append(
            (
                batch.pk,
                seq,
                ItemKind.REGULAR,
                source.benefit_id,
                source.household_id,
                source.township_id,
                *roll_cells(row),
                {month: str(row.amount)},
                source.decision_id,
                source.explanation,
                "",
                *payees.get(source.benefit_id, no_payee),
                "",
                "",
            )
        )
    return rows


def _difference_items(
    batch: PaymentBatch, benefits: list[Benefit], *, months: list[datetime.date], held: dict[int, set[str]]
) -> list[PaymentItem]:
    """Arrears and recoveries of these benefits for the months already paid."""
    paid = paid_by_month_of(programme=batch.programme, benefit_ids=[b.pk for b in benefits])
    payees = payees_of(b.pk for b in benefits)
    keys = {rules.month_key(m) for m in months}
    items = []
    for benefit in benefits:
        start = benefit.start_month.replace(day=1)
        owed = {rules.month_key(m): owed_in_month(benefit, m) for m in months if m >= start}
        already = {m: a for m, a in paid.get(benefit.pk, {}).items() if m in keys}
        for month in held.get(benefit.pk, ()):
            owed.pop(month, None)
            already.pop(month, None)
        owed = {m: a for m, a in owed.items() if a or m in already}
        arrears, recovery = rules.differences(owed=owed, paid=already)
        for kind, parts, reason in (
            (ItemKind.ARREARS, arrears, "补发已发放月份的差额"),
            (ItemKind.RECOVERY, recovery, "追回已发放月份的多发金额"),
        ):
            if not parts:
                continue
            decision = decision_in_force(benefit, rules.parse_month(max(parts)))
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
                    **_household_cells(benefit),
                    **payee_fields(payees.get(benefit.pk)),
                )
            )
    return items


class _Writer:
    """Numbers the items in order and writes them a chunk at a time; keeps count and total."""

    def __init__(self, batch: PaymentBatch) -> None:
        self.batch, self.count, self.total = batch, 0, Decimal("0")

    def write(self, items: list[PaymentItem]) -> None:
        for item in items:
            self.count += 1
            item.seq = self.count
            self.total += item.amount
        PaymentItem.objects.bulk_create(items, batch_size=CHUNK)

    def write_regular(self, rows: list[tuple]) -> None:
        """The month's regular items (`_regular_rows`, numbered from 1: they come first), in one
        COPY on PostgreSQL."""
        copy_rows(PaymentItem, REGULAR_FIELDS, rows)
        self.count += len(rows)
        self.total += sum((row[AMOUNT] for row in rows), Decimal("0"))


def _difference_passes(batch: PaymentBatch):
    """The arrears and recoveries pass of a 低保/特困 preparation, when months were paid before:
    (benefits streamed, how to turn a chunk into items). They come after the regular items."""
    passes = []
    months = sorted(rules.parse_month(m) for m in paid_months_before(programme=batch.programme, before=batch.month))
    if months:
        held = unfixed_failed_months(programme=batch.programme)
        passes.append(
            (
                roll_benefits(programme=batch.programme, month=months[-1]),
                lambda b: _difference_items(batch, b, months=months, held=held),
            )
        )
    return passes


def _fill(batch: PaymentBatch, writer: _Writer, progress: Progress | None) -> None:
    if batch.programme == Programme.TEMPORARY:
        total = payable_for(batch.month).count()
        if progress is not None:
            progress(0, total)
        for items in oneoff_item_chunks(batch):
            writer.write(items)
        if progress is not None:
            progress(total, total)
        return
    regular = _regular_rows(batch)
    passes = _difference_passes(batch)
    total = len(regular) + sum(queryset.count() for queryset, _build in passes)
    if progress is not None:
        progress(0, total)
    writer.write_regular(regular)
    done = len(regular)
    if progress is not None:
        progress(done, total)
    for queryset, build in passes:
        for benefits in chunks(queryset.iterator(chunk_size=CHUNK)):
            writer.write(build(benefits))
            done += len(benefits)
            if progress is not None:
                progress(done, total)


def _check_can_prepare(actor, programme: str) -> None:
    ensure_bureau(actor)
    if programme not in PAYABLE_PROGRAMMES:
        raise InvalidInput(
            field_errors={"programme": [_("Payments are made for 低保, 特困 and 临时救助 only.")]},
            code="payments.programme_not_paid",
        )


def _check_no_open_draft(programme: str) -> None:
    open_draft = PaymentBatch.objects.filter(programme=programme, status=BatchStatus.DRAFT).first()
    if open_draft is not None:
        message = _("Batch %(number)s is still a draft: approve or discard it first.") % {"number": open_draft.number}
        raise WorkflowError(problems=[Problem("payments.draft_open", message)])


@transaction.atomic
def payment_batch_prepare(
    *, actor, programme: str, month: datetime.date, progress: Progress | None = None
) -> tuple[PaymentBatch, bool]:
    """Prepare the month's batch from the decisions in force (or return it when it exists).
    `progress(done, total)` is called as the benefits are read (the job's progress)."""
    month = month.replace(day=1)
    _check_can_prepare(actor, programme)
    advisory_lock(LockKey.PAYMENT_BATCH, lock_sub_key(programme, month))
    existing = PaymentBatch.objects.filter(programme=programme, month=month).first()
    if existing is not None:
        return existing, False  # prepared meanwhile (a second request waited for the lock)
    _check_no_open_draft(programme)
    batch = PaymentBatch.objects.create(
        programme=programme, month=month, number=batch_number(programme, month), prepared_by=actor
    )
    writer = _Writer(batch)
    _fill(batch, writer, progress)
    batch.item_count, batch.total = writer.count, writer.total
    batch.save(update_fields=["item_count", "total"])
    record_event(actor=actor, action=events.PREPARE, obj=batch, items=writer.count, total=str(writer.total))
    return batch, True


@transaction.atomic
def payment_batch_prepare_start(*, actor, programme: str, month: datetime.date):
    """Ask for the month's batch to be prepared by a worker: a job (the same job again while one
    for that programme and month is pending or running, also for two requests at the same
    moment: they take turns on a lock of their own, not the preparation's, which a worker may
    hold for minutes). Returns (job or None, existing batch): when the batch already exists there
    is nothing to run."""
    month = month.replace(day=1)
    _check_can_prepare(actor, programme)
    advisory_lock(LockKey.PAYMENT_BATCH_START, lock_sub_key(programme, month))
    existing = PaymentBatch.objects.filter(programme=programme, month=month).first()
    if existing is not None:
        return None, existing
    _check_no_open_draft(programme)
    params = {"programme": programme, "month": rules.month_key(month)}
    running = Job.objects.filter(
        kind=PREPARE_JOB, params=params, status__in=[Job.Status.PENDING, Job.Status.RUNNING]
    ).first()
    if running is not None:
        return running, None
    job = job_create(kind=PREPARE_JOB, actor=actor, params=params)
    record_event(actor=actor, action=events.PREPARE_START, obj=job, **params)
    job_enqueue(job, "benefits.payments.tasks.prepare_payment_batch")
    return job, None

"""Writes of the payments, one module per topic; every entry point (admin, pages, API, commands,
tasks) calls them through this package: `from benefits.payments import services`."""

from .batches import payment_batch_approve, payment_batch_discard, payment_batch_export
from .close import payment_batch_close_check, payments_close_check, payments_close_check_run, payments_close_check_start
from .payee import one_off_payee_set, payee_set
from .prepare import (
    BATCH_PREFIX,
    PAYABLE_PROGRAMMES,
    batch_number,
    ensure_bureau,
    payment_batch_prepare,
    payment_batch_prepare_start,
)
from .results import ResultFileInvalid, bank_results_import, settle_if_done

__all__ = [
    "BATCH_PREFIX",
    "PAYABLE_PROGRAMMES",
    "ResultFileInvalid",
    "bank_results_import",
    "batch_number",
    "ensure_bureau",
    "one_off_payee_set",
    "payee_set",
    "payment_batch_close_check",
    "payments_close_check",
    "payments_close_check_run",
    "payments_close_check_start",
    "payment_batch_approve",
    "payment_batch_discard",
    "payment_batch_export",
    "payment_batch_prepare",
    "payment_batch_prepare_start",
    "settle_if_done",
]

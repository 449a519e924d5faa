"""Builders for the payment tests: payees with valid card numbers, result files from the bank."""

import io
from decimal import Decimal

import openpyxl

from benefits.models import Bank
from benefits.payments import services as payments
from benefits.payments.bankfile import RESULT_HEADERS


def card_number(prefix: str = "622848001234567", length: int = 19) -> str:
    """A card number of `length` digits starting with `prefix`, with a valid Luhn check digit."""
    body = (prefix + "0" * length)[: length - 1]
    for check in "0123456789":
        candidate = body + check
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def agri_bank() -> Bank:
    return Bank.objects.get(name="中国农业银行")


def give_payee(benefit, *, actor, number: str | None = None, reason: str = ""):
    head = benefit.household.members.get(relationship="head")
    return payments.payee_set(
        actor=actor,
        benefit=benefit,
        bank=agri_bank(),
        account_number=number or card_number(f"6228480{benefit.pk:08d}"),
        member=head,
        reason=reason,
    )


def bank_file_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def result_file(data: bytes, results: dict[int, tuple[str, str]] | None = None, *, edit=None) -> bytes:
    """The bank's answer to a payment file: each row 成功 unless `results[seq]` says otherwise."""
    rows = bank_file_rows(data)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(RESULT_HEADERS)
    for row in rows[1:-1]:
        result, reason = (results or {}).get(row[0], ("成功", ""))
        out = [*row, result, reason]
        if edit is not None:
            out = edit(out)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(batch) -> bytes:
    buffer = io.BytesIO()
    payments.payment_batch_export(actor=None, batch=batch, target=buffer)
    return buffer.getvalue()


def amount(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))

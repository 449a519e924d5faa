"""Pure rules of the payments: account numbers, masking, and what is still owed for a month."""

import datetime
from decimal import Decimal

ACCOUNT_MIN_DIGITS = 16
ACCOUNT_MAX_DIGITS = 19


def luhn_valid(digits: str) -> bool:
    """ISO/IEC 7812 check digit: the last digit makes the doubled-alternate sum a multiple of 10."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def account_problem(value: str, *, uses_luhn: bool) -> tuple[str, str] | None:
    """(code, message) of what is wrong with an account or card number, None when it is fine.

    `value` is the number with spaces already removed."""
    if not value.isascii() or not value.isdigit():
        return "payments.account_not_digits", "账号只能由数字组成。"
    if not ACCOUNT_MIN_DIGITS <= len(value) <= ACCOUNT_MAX_DIGITS:
        return "payments.account_length", f"账号应为 {ACCOUNT_MIN_DIGITS}–{ACCOUNT_MAX_DIGITS} 位数字。"
    if uses_luhn and not luhn_valid(value):
        return "payments.account_checksum", "账号校验位不正确，请核对银行卡号。"
    return None


def normalise_account(value: str) -> str:
    """The digits as typed, without the spaces and hyphens people group them with."""
    return "".join(value.split()).replace("-", "")


def mask_account(value: str) -> str:
    """First 4 and last 4 digits, the rest hidden (like ID numbers for roles without need)."""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def parse_month(text: str) -> datetime.date:
    """'YYYY-MM' to the first of that month; ValueError otherwise."""
    return datetime.datetime.strptime(text.strip(), "%Y-%m").date().replace(day=1)  # noqa: DTZ007  (a calendar month)


def differences(*, owed: dict[str, Decimal], paid: dict[str, Decimal]) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """For months already paid: (arrears, recovery), each month → the difference owed − paid.

    Arrears are the months paid too little (positive), recovery the months paid too much
    (negative); months paid exactly are in neither."""
    arrears: dict[str, Decimal] = {}
    recovery: dict[str, Decimal] = {}
    for month in sorted(set(owed) | set(paid)):
        difference = owed.get(month, Decimal("0")) - paid.get(month, Decimal("0"))
        if difference > 0:
            arrears[month] = difference
        elif difference < 0:
            recovery[month] = difference
    return arrears, recovery

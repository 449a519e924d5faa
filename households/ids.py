"""Resident identity numbers (GB 11643-1999): validation, masking, sex and birth date.

Pure Python: no database. The region code is deliberately not checked against any table,
because retired codes stay valid on elderly people's cards.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_ASCII_DIGITS = frozenset("0123456789")
_CHINA = ZoneInfo("Asia/Shanghai")  # birth dates on the card are Chinese calendar days


def check_code(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CODES[total % 11]


# The shape of an ID number for the API schema (the checksum and the date are checked by
# `validate_id_number`, a 400 when they are wrong). `format` names it for schema-driven test tools.
ID_NUMBER_SCHEMA = {
    "type": "string",
    "pattern": "^[0-9]{17}[0-9Xx]$",
    "format": "id-number",
    "description": "18-character resident ID number (GB 11643), final X allowed",
}


def validate_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character number (upper-case X) or raise ValidationError."""
    if not isinstance(value, str):
        raise ValidationError(_("The ID number must be text."), code="type")
    number = value.strip()
    if not number.isascii():
        raise ValidationError(
            _("The ID number contains full-width or other non-ASCII characters; use half-width digits."),
            code="characters",
        )
    if len(number) != 18:
        raise ValidationError(
            _("The ID number must have 18 characters, it has %(length)d.") % {"length": len(number)},
            code="length",
        )
    number = number[:17] + number[17].upper()
    if not set(number[:17]) <= _ASCII_DIGITS or not (number[17] in _ASCII_DIGITS or number[17] == "X"):
        raise ValidationError(_("The ID number may contain only digits, with a final X."), code="characters")
    birth = _birth_date(number)
    if birth is None:
        raise ValidationError(_("The birth date in the ID number is not a real date."), code="date")
    if birth > (today or datetime.datetime.now(tz=_CHINA).date()):
        raise ValidationError(_("The birth date in the ID number is in the future."), code="date")
    if check_code(number[:17]) != number[17]:
        raise ValidationError(_("The ID number's check digit is wrong."), code="checksum")
    return number


def _birth_date(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


@dataclass(frozen=True)
class IdFacts:
    birth_date: datetime.date
    sex: str  # "M" or "F"


def id_facts(number: str) -> IdFacts:
    """Birth date and sex of a validated number (the 17th digit is odd for men)."""
    birth = _birth_date(number)
    if birth is None:
        raise ValueError("not a validated ID number")
    return IdFacts(birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def mask_id_number(number: str) -> str:
    """First 6 and last 4 characters shown, the rest as asterisks (docs/rules.md)."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]

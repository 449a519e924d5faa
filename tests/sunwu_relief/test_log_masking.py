"""Every log line we write masks ID numbers and bank account numbers, the traceback included."""

import logging
import sys

import pytest

from sunwu_relief.logging import MaskIdNumbersFilter, mask_in_text
from tests.conftest import new_id_number


def _record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("sunwu", logging.ERROR, __file__, 1, message, args, exc_info)


@pytest.mark.parametrize(
    ("account", "masked"),
    [
        ("6217000012345678901", "6217***********8901"),
        ("6228 4800 1234 5678", "6228 **** **** 5678"),
        ("622848001234", "6228****1234"),
    ],
)
def test_account_numbers_are_masked(account, masked):
    assert mask_in_text(f"payment to {account} failed") == f"payment to {masked} failed"


def test_id_numbers_keep_their_own_mask_and_short_numbers_stay():
    number = new_id_number()
    text = mask_in_text(f"{number} paid 1200 yuan on 20261201")
    assert number not in text
    assert number[:6] + "********" + number[-4:] in text
    assert "1200 yuan on 20261201" in text  # amounts and dates (8 digits) are no accounts


def test_the_filter_masks_arguments_and_the_traceback():
    number, account = new_id_number(), "6217000012345678901"
    try:
        raise ValueError(f"bad row {number} {account}")
    except ValueError:
        record = _record("importing %s", number, exc_info=sys.exc_info())
    MaskIdNumbersFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert number not in formatted
    assert account not in formatted
    assert "ValueError" in formatted

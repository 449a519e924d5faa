"""Log filter that masks resident ID numbers and bank account numbers in every log line we write,
the traceback included (docs/security.md)."""

import logging
import re

_ID_PATTERN = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")
# A bank account (debit cards and 折 accounts: 12 to 19 digits, maybe grouped by spaces or
# hyphens); an 18-character ID number is masked before, by its own pattern.
_ACCOUNT_PATTERN = re.compile(r"(?<![0-9*])([0-9]{4})((?:[ -]?[0-9]){4,11})([ -]?)([0-9]{4})(?![0-9])")


def _mask_account(match: re.Match) -> str:
    hidden = re.sub(r"[0-9]", "*", match.group(2))
    return f"{match.group(1)}{hidden}{match.group(3)}{match.group(4)}"


def mask_in_text(text: str) -> str:
    """The text with every ID number (first 6 and last 4 shown) and account number (first 4 and
    last 4) masked, as the lists mask them."""
    text = _ID_PATTERN.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _ACCOUNT_PATTERN.sub(_mask_account, text)


class MaskIdNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        if record.exc_info and not record.exc_text:
            # The traceback (its frames' values, an exception's message) is formatted here once,
            # masked, and kept: the handler's formatter prints exc_text instead of formatting anew.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_in_text(record.stack_info)
        return True

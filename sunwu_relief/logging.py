"""Log filter that masks resident ID numbers in every log line we write (docs/security.md, API tokens)."""

import logging
import re

_ID_PATTERN = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")


def mask_in_text(text: str) -> str:
    return _ID_PATTERN.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


class MaskIdNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True

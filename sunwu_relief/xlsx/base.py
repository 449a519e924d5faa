"""What the xlsx reader answers with: the columns asked for, rows, errors, and its limits."""

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from ..errors import InvalidInput

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other legacy Office files

MAX_MEMBERS = 1000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # ordinary sheets compress 5–20×
RATIO_FLOOR = 8 * 1024 * 1024  # members smaller than this inflate to too little to matter
MAX_PART = 64 * 1024 * 1024  # a part that is not a worksheet (shared strings, styles …)
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = True
    text: bool = False  # the cell must be a text cell (ID numbers, codes with leading zeros)
    aliases: tuple[str, ...] = ()
    multiline: bool = False  # line breaks and tabs are allowed (addresses, notes)


@dataclass(frozen=True)
class XlsxError:
    row: int
    column: str
    message: str
    code: str = "xlsx.invalid"  # stable, untranslated (tests and clients match it, not the message)

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class XlsxRow:
    number: int  # the row number shown by Excel (1-based)
    values: dict[str, Any]
    errors: list[XlsxError] = field(default_factory=list)  # this row's cell errors (iter_xlsx)


@dataclass
class XlsxResult:
    rows: list[XlsxRow] = field(default_factory=list)
    errors: list[XlsxError] = field(default_factory=list)


class XlsxFileError(InvalidInput):
    """The file as a whole cannot be read (not an xlsx, too big, no header row ...).

    `errors` holds the header row's errors with their row and column, when that is the cause."""

    def __init__(self, message: str | None = None, *, errors: list[XlsxError] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.errors = errors or []


def max_cell_chars() -> int:
    """The longest text one cell may hold (a setting; Excel's own limit by default)."""
    return int(getattr(settings, "SUNWU_XLSX_MAX_CELL_CHARS", EXCEL_MAX_CELL_CHARS))


def fold_header(value: Any) -> str:
    """Full-width folded (NFKC) and trimmed header text."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()

"""Writing our xlsx exports (the roll, the bank file, the statistics report): text cells that are
never formulas, and a fast way to write many rows of them.

`text_cell` is the one definition of an exported text cell: the stored text cleaned
(`export_safe`), always a string cell (a text beginning with = + - @ stays text) and formatted
as text (number format `@`, so an ID or account number stays digits-as-text when edited).

`BodyRows` writes the many rows of a sheet whose columns are each text or number: the cells
come out byte for byte as `text_cell` and openpyxl's plain numbers write them (the same
number format, one style registered once), without an openpyxl cell and element tree per cell.
It plugs into the write-only worksheet's row conversion and row writer (`_values_to_row`,
`_writer.write_row`: openpyxl 3.1, pinned in requirements.txt, a test compares the bytes); the
rows it is not given (titles, headers, totals) go through openpyxl unchanged.
"""

from collections.abc import Sequence
from decimal import Decimal

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter

from .text import export_safe

TEXT = "text"
NUMBER = "number"


def text_cell(sheet, value: object) -> Cell:
    """A text cell (None: empty text), never a formula, formatted as text."""
    cell = WriteOnlyCell(sheet)
    cell._value = "" if value is None else export_safe(value if value.__class__ is str else str(value))
    cell.data_type = "s"  # set after the value: openpyxl would guess a formula from a leading =
    cell.number_format = "@"
    return cell


class _Written(str):
    """A row's XML, made by `BodyRows` (the rows openpyxl converts are generators of cells)."""


def _escape(text: str) -> str:
    """Character data as openpyxl's writer escapes it (xml.etree's rules)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class _Body(list):
    """A row appended through `BodyRows` (the others are openpyxl's)."""


class BodyRows:
    """`rows.append(values)` writes one row of `sheet` (openpyxl write-only) whose columns are
    `kinds` (TEXT or NUMBER): a TEXT value as `text_cell` writes it (None as empty text), a NUMBER
    (int or Decimal) as a plain number (None: no cell).

    The row's XML is the very text openpyxl writes for those cells (tests/test_sheet_writer.py
    compares them byte for byte), put together here in one string: openpyxl builds, styles and
    serialises an element tree per cell, most of the time of a large export. Rows appended to the
    sheet directly (titles, headers, totals) are openpyxl's own."""

    def __init__(self, sheet, kinds: Sequence[str]) -> None:
        self.sheet = sheet
        self.kinds = list(kinds)
        style_id = text_cell(sheet, "").style_id  # the text style, registered once in the workbook
        letters = [get_column_letter(index) for index in range(1, len(self.kinds) + 1)]
        # Each cell's XML around its coordinate's row number and its value.
        self.cells = [
            (f'<c r="{letter}', f'" s="{style_id}" t="inlineStr"') if kind == TEXT else (f'<c r="{letter}', '" t="n"')
            for letter, kind in zip(letters, self.kinds, strict=True)
        ]
        self.text = [kind == TEXT for kind in self.kinds]
        sheet._get_writer()
        convert = sheet._values_to_row
        write_row = sheet._writer.write_row
        dimensions = sheet.row_dimensions

        def values_to_row(values, row_idx):
            if values.__class__ is not _Body or row_idx in dimensions:
                return convert(values, row_idx)  # a row of its own height or style: openpyxl's
            return self._xml(values, row_idx)

        def write(xf, row, row_idx):
            if row.__class__ is _Written:
                xf._file(row)
            else:
                write_row(xf, row, row_idx)

        sheet._values_to_row = values_to_row
        sheet._writer.write_row = write

    def _xml(self, values: _Body, row_idx: int) -> _Written:
        row = str(row_idx)
        parts = [f'<row r="{row}">']
        for (start, end), text, value in zip(self.cells, self.text, values, strict=True):
            if text:
                if value is None:
                    value = ""
                elif value.__class__ is not str:
                    value = str(value)
                value = export_safe(value)
                if not value:
                    parts.append(f"{start}{row}{end} />")
                    continue
                stripped = value.strip()
                space = ' xml:space="preserve"' if stripped and stripped != value else ""
                parts.append(f"{start}{row}{end}><is><t{space}>{_escape(value)}</t></is></c>")
            elif value is None:
                continue
            else:
                if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
                    raise TypeError(f"column {start[6:]}: a number was expected, got {type(value).__name__}")
                parts.append(f"{start}{row}{end}><v>{safe_string(value)}</v></c>")
        parts.append("</row>")
        return _Written("".join(parts))

    def append(self, values: Sequence[object]) -> None:
        self.sheet.append(_Body(values))

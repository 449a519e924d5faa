"""A worksheet's rows as lists of cell values, streamed from its XML (see the package's docstring).

Values as openpyxl (read-only, formulas kept) gives them: text trimmed (an empty text is None),
numbers as int or float, dates by the cell's style as datetime (or time, timedelta), booleans; a
formula is its text with "=" before it, whatever its cached value (the reader refuses it).
"""

from collections.abc import Iterator, Sequence
from typing import Any
from xml.etree.ElementTree import Element

from .parts import MAIN, rich_text, walk

_ROW = MAIN + "row"
_SHEET_DATA = MAIN + "sheetData"
_C = MAIN + "c"
_V = MAIN + "v"
_F = MAIN + "f"
_IS = MAIN + "is"
_T = MAIN + "t"
_DIGITS = "0123456789"
MAX_COLUMNS = 16_384  # Excel's last column, XFD


def _column_letters() -> dict[str, int]:
    letters = {}
    for index in range(MAX_COLUMNS):
        name, rest = "", index + 1
        while rest:
            rest, digit = divmod(rest - 1, 26)
            name = chr(65 + digit) + name
        letters[name] = index
    return letters


_COLUMNS = _column_letters()  # "A" → 0 … "XFD" → 16383


class Cells:
    """What a cell's value needs from the workbook: its shared strings, styles and epoch."""

    def __init__(
        self, strings: Sequence[str | None], dates: frozenset[int], durations: frozenset[int], date1904: bool
    ) -> None:
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

        self.strings = strings  # trimmed already, "" as None
        self.dates = dates
        self.durations = durations
        self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH

    def value(self, cell: Element) -> Any:
        kind = cell.get("t")
        if len(cell) == 1:  # the usual cell: one <v>, or one <is> of one <t>
            child = cell[0]
            tag = child.tag
            if tag == _IS:
                if kind != "inlineStr":
                    return None
                if len(child) == 1 and child[0].tag == _T:
                    return (child[0].text or "").strip() or None
                return rich_text(child).strip() or None
            if tag == _F:
                return "=" + (child.text or "")
            if tag != _V or kind == "inlineStr":
                return None
            text = child.text
        elif len(cell) == 0:
            return None
        else:
            formula = cell.find(_F)
            if formula is not None:
                return "=" + (formula.text or "")
            if kind == "inlineStr":
                inline = cell.find(_IS)
                return (rich_text(inline).strip() or None) if inline is not None else None
            text = cell.findtext(_V)
        if not text:
            return None
        if kind is None or kind == "n":
            return self._number(cell, text)
        if kind == "s":
            index = int(text)
            if index < 0:
                raise ValueError(f"shared string {index}")
            return self.strings[index]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(text)
        return text.strip() or None  # "str" (a formula's cached text), "e" (#N/A …)

    def _number(self, cell: Element, text: str) -> Any:
        number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        style = cell.get("s")
        if not style or not self.dates or int(style) not in self.dates:
            return number
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(number, self.epoch, timedelta=int(style) in self.durations)
        except (OverflowError, ValueError):
            return "#VALUE!"  # a date beyond the calendar: openpyxl makes it an error cell


def rows(stream: Any, cells: Cells) -> Iterator[tuple[int, list[Any]]]:
    """(row number, its values by column from A; a gap is None) for each <row> of the sheet.

    Rows without a number follow the one before; cells without a reference follow theirs. A row
    number that goes back, a reference that is not a cell's, a column past XFD: ValueError (the
    reader makes it a damaged file)."""
    number = 0
    value = cells.value
    for row, parent in walk(stream, depth=2):
        if row.tag != _ROW or parent is None or parent.tag != _SHEET_DATA:
            continue
        declared = row.get("r")
        following = int(declared) if declared is not None else number + 1
        if following <= number:
            raise ValueError(f"row {following} after row {number}")
        number = following
        values: list[Any] = []
        column = -1
        for cell in row:
            if cell.tag != _C:
                continue
            reference = cell.get("r")
            if reference is None:
                column += 1
                if column >= MAX_COLUMNS:
                    raise ValueError("a column past XFD")
            else:
                column = _COLUMNS[reference.rstrip(_DIGITS)]  # KeyError: not a cell reference
            width = len(values)
            if column == width:
                values.append(value(cell))
            elif column > width:
                values.extend([None] * (column - width))
                values.append(value(cell))
            else:
                values[column] = value(cell)  # the same column twice: the last one counts
        yield number, values

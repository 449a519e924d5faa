"""Reading the rows of the first visible sheet, cell by cell (see the package's docstring)."""

import dataclasses
import datetime
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..errors import Problem
from ..text import forbidden_characters
from .archive import check_archive, open_workbook, source_bytes
from .base import (
    EXCEL_MAX_ROWS,
    MAX_PART,
    MAX_UNCOMPRESSED,
    Column,
    XlsxError,
    XlsxFileError,
    XlsxResult,
    XlsxRow,
    fold_header,
    max_cell_chars,
)


def _cell_value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _is_formula(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "f" or (
        isinstance(getattr(cell, "value", None), str) and cell.value.startswith("=")
    )


def read_xlsx(
    source: str | Path | bytes | IO[bytes],
    *,
    columns: Sequence[Column],
    header: str,
    max_rows: int = 100_000,
) -> XlsxResult:
    """Rows of the first visible sheet as dicts keyed by `Column.key`, and every row error."""
    result = XlsxResult()
    for row in iter_xlsx(source, columns=columns, header=header, max_rows=max_rows):
        result.rows.append(row)
        result.errors.extend(row.errors)
    return result


def iter_xlsx(
    source: str | Path | bytes | IO[bytes],
    *,
    columns: Sequence[Column],
    header: str,
    max_rows: int = 100_000,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_part: int = MAX_PART,
) -> Iterator[XlsxRow]:
    """The same rows one at a time, each with its own `errors`, in bounded memory.

    A path or a file object is streamed from disk (never read whole); bytes work too. Raises
    XlsxFileError (from the first `next()`, or from a later one when the file breaks off
    part-way) when the file as a whole cannot be read."""
    if not isinstance(source, bytes | str | Path) and not hasattr(source, "seek"):
        source = source_bytes(source)
    check_archive(source, max_uncompressed=max_uncompressed, max_part=max_part)
    try:
        workbook = open_workbook(source, max_uncompressed=max_uncompressed, max_part=max_part)
    except XlsxFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        if isinstance(exc.__cause__, XlsxFileError):  # openpyxl re-raises what fails as ValueError
            raise exc.__cause__ from None
        raise XlsxFileError(
            _("The file is damaged or incomplete; it cannot be read as .xlsx."), code="xlsx.damaged"
        ) from exc
    try:
        sheets = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not sheets:
            raise XlsxFileError(_("The file has no visible sheet."))
        sheet = sheets[0]
        # The declared <dimension> is a hint Excel ignores; read-only openpyxl would stop at it.
        sheet.reset_dimensions()
        yield from _iter_sheet(sheet, columns=columns, header=fold_header(header), max_rows=max_rows)
    finally:
        workbook.close()


def _iter_sheet(sheet: Any, *, columns: Sequence[Column], header: str, max_rows: int) -> Iterator[XlsxRow]:
    positions: dict[str, int] | None = None
    by_text = {}
    for column in columns:
        for text in (column.header, *column.aliases):
            by_text[fold_header(text)] = column
    count = 0
    limit = max_cell_chars()
    headers: dict[str, str] = {}  # column letter → our header, once the header row is found
    for number, cells in _numbered_rows(sheet, headers):
        if number > EXCEL_MAX_ROWS:
            raise XlsxFileError(_("The sheet has rows beyond Excel's last row; it was not written by Excel."))
        if positions is None:
            texts = [fold_header(_cell_value(c)) for c in cells]
            if header in texts:
                positions = _map_header(texts, columns, by_text, number)
                for column in columns:
                    if column.key in positions:
                        headers[get_column_letter(positions[column.key] + 1)] = column.header
            elif number > 50:
                break
            continue
        values = [_cell_value(c) for c in cells]
        if all(v is None for v in values):
            continue
        if count >= max_rows:
            raise XlsxFileError(_("The file has more than %(max)d rows; split it.") % {"max": max_rows})
        count += 1
        row = XlsxRow(number=number, values={})
        for column in columns:
            index = positions.get(column.key)
            cell = cells[index] if index is not None and index < len(cells) else None
            value = _cell_value(cell) if cell is not None else None
            if cell is not None and _is_formula(cell):
                row.errors.append(XlsxError(number, column.header, _("formulas are not accepted; enter the value")))
                value = None
            elif value is not None and column.text and not isinstance(value, str):
                row.errors.append(
                    XlsxError(
                        number,
                        column.header,
                        _(
                            "the cell is a number, not text; Excel may have changed the digits — format the column as text and type it again"
                        ),
                    )
                )
                value = None
            elif value is None and column.required and index is not None:
                row.errors.append(XlsxError(number, column.header, _("a value is required")))
            elif isinstance(value, str) and (problem := _text_problem(value, column, limit)) is not None:
                row.errors.append(XlsxError(number, column.header, str(problem), code=problem.code))
                value = None
            if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
                value = value.date()
            row.values[column.key] = value
        yield row
    if positions is None:
        raise XlsxFileError(_("No header row with a cell “%(header)s” was found.") % {"header": header})


def _numbered_rows(sheet: Any, headers: dict[str, str]) -> Iterator[tuple[int, tuple]]:
    """(row number, cells) to the sheet's end; XML that breaks off part-way is a file error."""
    rows = enumerate(sheet.iter_rows(), start=1)
    number = 0
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except XlsxFileError as exc:
            if not exc.errors:
                raise
            # Refused at a cell while streaming: name its column by our header, like row errors.
            errors = [dataclasses.replace(e, column=headers.get(e.column, e.column)) for e in exc.errors]
            raise XlsxFileError(
                "; ".join(str(e) for e in errors),
                code=exc.code,
                field_errors={"file": [str(e) for e in errors]},
                errors=errors,
            ) from exc
        except Exception as exc:  # broken XML, a CRC error, defusedxml refusing entities ...
            raise XlsxFileError(
                _("The file is damaged after row %(row)d; it cannot be read as .xlsx and nothing was imported.")
                % {"row": number},
                code="xlsx.damaged",
            ) from exc
        yield number, cells


def _text_problem(value: str, column: Column, limit: int) -> Problem | None:
    if len(value) > limit:
        return Problem("xlsx.too_long", _("is too long (at most %(max)d characters)") % {"max": limit})
    found = forbidden_characters(value, multiline=column.multiline)
    if found:
        return Problem(
            "xlsx.forbidden_character",
            _("Remove the invisible or control characters (%(chars)s).") % {"chars": ", ".join(found)},
        )
    return None


def _map_header(texts: list[str], columns: Sequence[Column], by_text: dict[str, Column], row: int) -> dict[str, int]:
    positions: dict[str, int] = {}
    errors = []
    for index, text in enumerate(texts):
        column = by_text.get(text)
        if column is None:
            continue  # unknown columns are ignored
        if column.key in positions:
            errors.append(XlsxError(row, text, _("this column appears twice")))
            continue
        positions[column.key] = index
    for column in columns:
        if column.required and column.key not in positions:
            errors.append(XlsxError(row, column.header, _("this required column is missing")))
    if errors:
        raise XlsxFileError(
            _("The header row is not valid: %(errors)s") % {"errors": "; ".join(str(e) for e in errors)},
            field_errors={"file": [str(e) for e in errors]},
            errors=errors,
        )
    return positions

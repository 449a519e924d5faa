"""Reading the rows of the first visible sheet, cell by cell (see the package's docstring)."""

import dataclasses
import datetime
import zipfile
from collections.abc import Iterator, Sequence
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..errors import Problem
from ..text import forbidden_characters
from .archive import GuardedArchive, check_archive, source_bytes
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
from .parts import Package
from .sheet import Cells, rows

_MIDNIGHT = datetime.time(0)
_ABSENT = 1 << 30  # the index of a column the sheet does not have: past any row's end


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
    if isinstance(source, bytes):
        source = BytesIO(source)
    elif hasattr(source, "seek"):
        source.seek(0)
    try:
        archive = GuardedArchive(
            source, max_uncompressed=max_uncompressed, max_part=max_part, max_chars=max_cell_chars()
        )
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged() from exc
    with archive:
        try:
            package = Package(archive)
            part, date1904 = package.first_visible_sheet()
            if part is None:
                raise XlsxFileError(_("The file has no visible sheet."))
            cells = Cells(package.shared_strings(), *package.date_styles(), date1904)
            stream = archive.open(part)
        except XlsxFileError:
            raise
        except Exception as exc:  # broken XML, a missing part, a CRC error ...
            raise _damaged() from exc
        with stream:
            yield from _iter_sheet(rows(stream, cells), columns=columns, header=fold_header(header), max_rows=max_rows)


def _damaged() -> XlsxFileError:
    return XlsxFileError(_("The file is damaged or incomplete; it cannot be read as .xlsx."), code="xlsx.damaged")


def _iter_sheet(
    sheet: Iterator[tuple[int, list[Any]]], *, columns: Sequence[Column], header: str, max_rows: int
) -> Iterator[XlsxRow]:
    positions: dict[str, int] | None = None
    by_text = {}
    for column in columns:
        for text in (column.header, *column.aliases):
            by_text[fold_header(text)] = column
    count = 0
    limit = max_cell_chars()
    headers: dict[str, str] = {}  # column letter → our header, once the header row is found
    plan: list[tuple[Column, int, bool]] = []  # each column, its index, whether the sheet has it
    previous = 0
    for number, values in _numbered_rows(sheet, headers):
        if number > EXCEL_MAX_ROWS:
            raise XlsxFileError(_("The sheet has rows beyond Excel's last row; it was not written by Excel."))
        if positions is None:
            # The header is looked for in the first 50 rows, absent (empty) rows included.
            if number - 1 >= max(51, previous + 1):
                break
            previous = number
            texts = [fold_header(v) for v in values]
            if header in texts:
                positions = _map_header(texts, columns, by_text, number)
                plan = [(c, positions.get(c.key, _ABSENT), c.key in positions) for c in columns]
                for column in columns:
                    if column.key in positions:
                        headers[get_column_letter(positions[column.key] + 1)] = column.header
            elif number > 50:
                break
            continue
        if values.count(None) == len(values):
            continue
        if count >= max_rows:
            raise XlsxFileError(_("The file has more than %(max)d rows; split it.") % {"max": max_rows})
        count += 1
        row = XlsxRow(number=number, values={})
        _check(row, values, plan, limit)
        yield row
    if positions is None:
        raise XlsxFileError(_("No header row with a cell “%(header)s” was found.") % {"header": header})


def _check(row: XlsxRow, values: list[Any], plan: list[tuple[Column, int, bool]], limit: int) -> None:
    """`row.values` (by column key) from the sheet's values, and the errors of the row."""
    width = len(values)
    number = row.number
    out = row.values
    for column, index, present in plan:
        value = values[index] if index < width else None
        if value is None:
            if column.required and present:
                row.errors.append(XlsxError(number, column.header, _("a value is required")))
        elif type(value) is str:
            if value[0] == "=":  # a formula (or text that Excel would take for one)
                row.errors.append(XlsxError(number, column.header, _("formulas are not accepted; enter the value")))
                value = None
            elif (len(value) > limit or not value.isprintable()) and (
                problem := _text_problem(value, column, limit)
            ) is not None:
                row.errors.append(XlsxError(number, column.header, str(problem), code=problem.code))
                value = None
        elif column.text:
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
        elif type(value) is datetime.datetime and value.time() == _MIDNIGHT:
            value = value.date()
        out[column.key] = value


def _numbered_rows(rows: Iterator[tuple[int, list[Any]]], headers: dict[str, str]) -> Iterator[tuple[int, list]]:
    """(row number, values) to the sheet's end; XML that breaks off part-way is a file error."""
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
        except Exception as exc:  # broken XML, a CRC error, a cell that is not a cell ...
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

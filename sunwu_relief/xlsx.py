"""A careful reader for the xlsx files other offices send us (SECURITY.md, hostile input).

Use::

    columns = [Column("身份证号", "id_number", text=True), Column("姓名", "name"), Column("备注", "note", required=False)]
    try:
        result = read_xlsx(uploaded_file, columns=columns, header="身份证号")
    except XlsxFileError as exc:     # not an xlsx, zip bomb, macros, no header row ...
        ...exc.message...
    for row in result.rows:          # XlsxRow(number=7, values={"id_number": "2311...", "name": "王五", "note": None})
        ...
    result.errors                    # [XlsxError(row=9, column="身份证号", message="...")], str(): "row 9, column 身份证号: ..."

What it does, and the decisions it takes:

- The file is checked before openpyxl sees it: magic bytes (an old ``.xls`` and a renamed CSV get a
  clear error), then the zip central directory: member count, total uncompressed size and
  compression ratio. ``zipfile`` never inflates a member beyond the size its directory entry
  declares (a lying entry fails its CRC), so the directory check also caps the bytes inflated.
  A macro project (``xl/vbaProject.bin``) is refused.
- The workbook is opened ``read_only`` (streaming) and *not* ``data_only``: a formula stays a
  formula and is an error in any column we read (cached values can lie; ``=HYPERLINK`` is a
  phishing vector). defusedxml (installed) protects the XML parser.
- The sheet read is the first visible worksheet. Hidden rows are data like any other.
- The header row is the first row that has a cell equal to ``header``; rows above it (titles,
  merged cells) are ignored. Header texts are NFKC-folded (full-width → half-width, the
  ideographic space included) and trimmed. Columns are found by header text in any order;
  unknown columns are ignored; a missing required column or a duplicated known header is an error.
- Values: text is trimmed (NFKC is not applied to data); an empty cell is ``None``. A ``text``
  column must hold text cells: an ID number typed as a number has already lost digits in Excel.
  A ``required`` column must have a value in every data row.
- The sheet is read to its real end. The ``<dimension>`` a sheet declares is ignored, as Excel
  ignores it (openpyxl's read-only mode would believe it and stop early: a file declaring 3 rows
  of its 6 imported 2). Empty rows are skipped, however many there are; a row number beyond
  Excel's 1,048,576 is refused (that bounds the time a file styled to its last row takes), and so
  are more than ``max_rows`` data rows.
"""

import datetime
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import InvalidInput

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other legacy Office files

MAX_MEMBERS = 1000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # whole-archive ratio; ordinary sheets compress 5–20×
EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = True
    text: bool = False  # the cell must be a text cell (ID numbers, codes with leading zeros)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class XlsxError:
    row: int
    column: str
    message: str

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


def fold_header(value: Any) -> str:
    """Full-width folded (NFKC) and trimmed header text."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _open_bytes(source: str | Path | bytes | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return data


def _magic(source: bytes | str | Path | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source[:8]
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return handle.read(8)
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    return head


def check_archive(
    data: bytes | str | Path | IO[bytes],
    *,
    max_members: int = MAX_MEMBERS,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Refuse what is not a plain xlsx before any XML is parsed (a few dozen µs).

    `data` may be the file's bytes, a path or a seekable file object (read only as far as needed)."""
    head = _magic(data)
    if not head:
        raise XlsxFileError(_("The file is empty."))
    if head.startswith(OLE_MAGIC):
        raise XlsxFileError(_("This is an old Excel (.xls) file; save it as .xlsx and import it again."))
    if not head.startswith(XLSX_MAGIC):
        raise XlsxFileError(_("This file is not an Excel .xlsx file."))
    try:
        archive = zipfile.ZipFile(BytesIO(data) if isinstance(data, bytes) else data)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxFileError(_("The file is damaged or incomplete; it cannot be read as .xlsx.")) from exc
    finally:
        if not isinstance(data, bytes | str | Path):
            data.seek(0)
    if len(infos) > max_members:
        raise XlsxFileError(_("The file has too many parts to be a data sheet."))
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > max_uncompressed or total / compressed > max_ratio:
        raise XlsxFileError(_("The file expands to far more data than a sheet holds (a zip bomb?); it was not read."))
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise XlsxFileError(_("This file is not an Excel .xlsx file."))
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise XlsxFileError(_("The file contains macros; save it as a plain .xlsx without macros."))


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
) -> Iterator[XlsxRow]:
    """The same rows one at a time, each with its own `errors`, in bounded memory.

    A path or a file object is streamed from disk (never read whole); bytes work too. Raises
    XlsxFileError (from the first `next()`) when the file as a whole cannot be read."""
    from openpyxl import load_workbook  # imported late: only importers need it

    if not isinstance(source, bytes | str | Path) and not hasattr(source, "seek"):
        source = _open_bytes(source)
    check_archive(source, max_uncompressed=max_uncompressed)
    try:
        workbook = load_workbook(
            BytesIO(source) if isinstance(source, bytes) else source, read_only=True, data_only=False
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise XlsxFileError(_("The file is damaged or incomplete; it cannot be read as .xlsx.")) from exc
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
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > EXCEL_MAX_ROWS:
            raise XlsxFileError(_("The sheet has rows beyond Excel's last row; it was not written by Excel."))
        if positions is None:
            texts = [fold_header(_cell_value(c)) for c in cells]
            if header in texts:
                positions = _map_header(texts, columns, by_text, number)
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
            if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
                value = value.date()
            row.values[column.key] = value
        yield row
    if positions is None:
        raise XlsxFileError(_("No header row with a cell “%(header)s” was found.") % {"header": header})


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

"""A careful reader for the xlsx files other offices send us (docs/security.md, hostile input).

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
  clear error), then the zip central directory: member count, total uncompressed size, the
  compression ratio of the archive *and of each large member* (a stored member of random bytes
  pads the archive's ratio; it does not hide a bomb member's own). A macro project
  (``xl/vbaProject.bin``) is refused.
- While openpyxl parses, every part it opens is read through a counter (``_GuardedArchive``): the
  bytes actually inflated are capped (``max_uncompressed`` in all, ``max_part`` for any part that
  is not a worksheet: openpyxl keeps the whole shared-string table in memory), and so is the
  longest stretch of XML without a ``<`` (the text of one cell cannot be longer): one huge cell
  is refused while it streams, before it is built in memory. A file that breaks off or turns to
  garbage part-way is a clear file error, never a traceback.
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
  A ``required`` column must have a value in every data row. Text holding a control or format
  character (bidi overrides, zero-width characters; ``sunwu_relief.text``) is a row error — line
  breaks and tabs only in a ``multiline`` column — and so is text longer than
  ``settings.SUNWU_XLSX_MAX_CELL_CHARS`` (default 32,767, Excel's own limit for a cell).
- The sheet is read to its real end. The ``<dimension>`` a sheet declares is ignored, as Excel
  ignores it (openpyxl's read-only mode would believe it and stop early: a file declaring 3 rows
  of its 6 imported 2). Empty rows are skipped, however many there are; a row number beyond
  Excel's 1,048,576 is refused (that bounds the time a file styled to its last row takes), and so
  are more than ``max_rows`` data rows.
"""

import dataclasses
import datetime
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .errors import InvalidInput, Problem
from .text import forbidden_characters

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and other legacy Office files

MAX_MEMBERS = 1000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # ordinary sheets compress 5–20×
RATIO_FLOOR = 8 * 1024 * 1024  # members smaller than this inflate to too little to matter
MAX_PART = 64 * 1024 * 1024  # a part that is not a worksheet (shared strings, styles …)
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_CHARS = 32_767
# Bytes of XML per character of text at most (a numeric character reference: "&#1114111;").
_BYTES_PER_CHAR = 10
_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


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
    max_part: int = MAX_PART,
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
    # Each member on its own too: a stored member of random bytes pads the archive's ratio.
    bomb_member = any(
        info.file_size > RATIO_FLOOR and info.file_size / max(info.compress_size, 1) > max_ratio for info in infos
    )
    large_part = any(
        info.file_size > max_part and info.filename.endswith(".xml") and not _is_worksheet(info.filename)
        for info in infos
    )
    if total > max_uncompressed or total / compressed > max_ratio or bomb_member or large_part:
        raise _bomb()
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise XlsxFileError(_("This file is not an Excel .xlsx file."))
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise XlsxFileError(_("The file contains macros; save it as a plain .xlsx without macros."))


def _bomb() -> XlsxFileError:
    return XlsxFileError(
        _("The file expands to far more data than a sheet holds (a zip bomb?); it was not read."), code="xlsx.zip_bomb"
    )


def _is_worksheet(name: str) -> bool:
    return name.lstrip("/").startswith("xl/worksheets/")


class _GuardedStream:
    """A member being inflated, counted as it is read (see `_GuardedArchive`)."""

    def __init__(self, raw: Any, *, archive: "_GuardedArchive", info: zipfile.ZipInfo) -> None:
        self.raw = raw
        self.archive = archive
        self.name = info.filename
        self.declared = info.file_size  # zipfile inflates no more than this (a lying entry fails its CRC)
        # Worksheets are streamed row by row; what else openpyxl reads it keeps whole in memory.
        capped = self.name in archive.capped_parts or not _is_worksheet(self.name)
        self.limit = archive.max_part if capped else None
        self.inflated = 0
        self.run = 0  # bytes since the last "<"
        self.context = b""  # the XML just before that "<"

    def read(self, size: int | None = -1) -> bytes:
        if (size is None or size < 0) and self.declared > self.archive.max_part:
            raise _bomb()  # a whole part at once: refused before it is inflated
        data = self.raw.read(size)
        self.inflated += len(data)
        self.archive.inflated += len(data)
        if self.archive.inflated > self.archive.max_uncompressed or (
            self.limit is not None and self.inflated > self.limit
        ):
            raise _bomb()
        if data:
            self._watch_text(data)
        return data

    def _watch_text(self, data: bytes) -> None:
        first = data.find(b"<")
        if first == -1:
            self.run += len(data)
            longest = self.run
        else:
            longest = self.run + first
            if len(data) > self.archive.max_run:  # a stretch could lie wholly inside this read
                longest = max(longest, *(len(piece) for piece in data.split(b"<")))
            last = data.rfind(b"<")
            self.run = len(data) - last - 1
            self.context = (self.context + data[: last + 1])[-4096:] if last < 4096 else data[last - 4096 : last + 1]
            longest = max(longest, self.run)
        if longest > self.archive.max_run:
            raise self._too_long()

    def _too_long(self) -> XlsxFileError:
        """Name the cell when the stretch is a worksheet cell's text (its <c r="B7"> just before)."""
        refs = _CELL_REF.findall(self.context)
        if refs and _is_worksheet(self.name) and self.name not in self.archive.capped_parts:
            column, row = refs[-1][0].decode(), int(refs[-1][1])
            error = XlsxError(
                row,
                column,
                _("is too long (at most %(max)d characters); the file was not read") % {"max": self.archive.max_chars},
                code="xlsx.too_long",
            )
            return XlsxFileError(str(error), code="xlsx.too_long", errors=[error])
        return XlsxFileError(
            _("The file has a text longer than %(max)d characters (in %(part)s); it was not read.")
            % {"max": self.archive.max_chars, "part": self.name},
            code="xlsx.too_long",
        )

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> "_GuardedStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _GuardedArchive(zipfile.ZipFile):
    """The archive openpyxl reads from: what it inflates is counted and capped, and no stretch of
    text can grow past what one cell may hold before openpyxl has it in memory."""

    def __init__(self, file: Any, *, max_uncompressed: int, max_part: int, max_chars: int) -> None:
        super().__init__(file, "r")
        self.max_uncompressed = max_uncompressed
        self.max_part = max_part
        self.max_chars = max_chars
        # A cell of `max_chars` characters is at most this many bytes of XML (plus its tag).
        self.max_run = max_chars * _BYTES_PER_CHAR + 1024
        self.inflated = 0
        self.capped_parts: set[str] = set()  # the shared-string table, found through the manifest
        self.loading = True

    def open(self, name: Any, mode: str = "r", pwd: bytes | None = None, **kwargs: Any) -> Any:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if mode == "r" and self.loading and _is_worksheet(info.filename) and info.filename not in self.capped_parts:
            # While the workbook loads, read-only openpyxl opens each sheet only to look for its
            # <dimension>, which we ignore; without one it would parse the whole sheet for nothing
            # (a styled million-row sheet: 97 s and 700 MB). It gets an empty sheet instead.
            return _GuardedStream(BytesIO(b"<worksheet/>"), archive=self, info=zipfile.ZipInfo(info.filename))
        stream = super().open(name, mode, pwd, **kwargs)
        if mode != "r":
            return stream
        return _GuardedStream(stream, archive=self, info=info)


def _open_workbook(source: str | Path | bytes | IO[bytes], *, max_uncompressed: int, max_part: int) -> Any:
    """openpyxl's own load_workbook (read-only, formulas kept), reading through `_GuardedArchive`."""
    from openpyxl.reader.excel import ExcelReader  # imported late: only importers need it
    from openpyxl.xml.constants import SHARED_STRINGS

    if isinstance(source, bytes):
        source = BytesIO(source)
    reader = ExcelReader(source, read_only=True, data_only=False, keep_links=False)
    reader.archive.close()
    if hasattr(source, "seek"):
        source.seek(0)
    archive = _GuardedArchive(source, max_uncompressed=max_uncompressed, max_part=max_part, max_chars=max_cell_chars())
    reader.archive = archive
    reader.read_manifest()
    strings = reader.package.find(SHARED_STRINGS)
    if strings is not None:
        archive.capped_parts.add(strings.PartName[1:])
    reader.read()
    archive.loading = False
    return reader.wb


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
        source = _open_bytes(source)
    check_archive(source, max_uncompressed=max_uncompressed, max_part=max_part)
    try:
        workbook = _open_workbook(source, max_uncompressed=max_uncompressed, max_part=max_part)
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

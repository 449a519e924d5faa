"""A careful reader for the xlsx files other offices send us (docs/security.md, hostile input).

The package is the only code that opens a workbook to read it: `base` (columns, rows, errors,
limits), `archive` (the checks before and while the XML is parsed), `parts` (the workbook's small
parts, and `walk`, which streams any part), `sheet` (a worksheet's rows and cell values),
`reader` (rows checked against the columns asked for).

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

- The file is checked before any XML is parsed: magic bytes (an old ``.xls`` and a renamed CSV get
  a clear error), then the zip central directory: member count, total uncompressed size, the
  compression ratio of the archive *and of each large member* (a stored member of random bytes
  pads the archive's ratio; it does not hide a bomb member's own). A macro project
  (``xl/vbaProject.bin``) is refused.
- Every part is parsed as it is inflated, read through a counter (``GuardedArchive``): the bytes
  actually inflated are capped (``max_uncompressed`` in all, ``max_part`` for any part that is not
  a worksheet, and for the shared-string table, kept in memory, however its part is named), and
  so is the longest stretch of XML without a ``<`` (the text of one cell cannot be longer): one
  huge cell is refused while it streams, before it is built in memory. A file that breaks off or
  turns to garbage part-way is a clear file error, never a traceback.
- The XML parser is the standard library's (expat, in C). A part that declares a DTD is refused
  before it is parsed (no DTD, so no entity: the billion laughs and external entities are out),
  and so is one in another encoding than UTF-8 (or ASCII, Latin-1), where a DTD could hide from
  that check. A worksheet is streamed a row at a time: each row is dropped once read, and one row
  (or any other record of a part) may hold at most 200,000 elements and 16 MB of XML.
- Cells are read as openpyxl (read-only) reads them, without its per-cell cost: shared strings,
  inline and rich text, numbers, booleans, dates by their cell style (the 1904 calendar
  included), error values as their text. Formulas are kept as formulas (``"=…"``), never their
  cached values, and are an error in any column we read (cached values can lie; ``=HYPERLINK``
  is a phishing vector). Cells without a reference follow the one before, rows without a number
  too; a row number that goes back or a reference that is not a cell's is a damaged file.
- The sheet read is the first visible worksheet (``workbook.xml`` and its relationships). Hidden
  rows are data like any other.
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
  ignores it (openpyxl's read-only mode would believe it and stop early). Empty rows are skipped,
  however many there are; a row number beyond Excel's 1,048,576 is refused, and so are more than
  ``max_rows`` data rows. The header is looked for in the first 50 rows.
"""

from .archive import check_archive
from .base import (
    EXCEL_MAX_CELL_CHARS,
    EXCEL_MAX_ROWS,
    MAX_MEMBERS,
    MAX_PART,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    Column,
    XlsxError,
    XlsxFileError,
    XlsxResult,
    XlsxRow,
    fold_header,
    max_cell_chars,
)
from .reader import iter_xlsx, read_xlsx

__all__ = [
    "EXCEL_MAX_CELL_CHARS",
    "EXCEL_MAX_ROWS",
    "MAX_MEMBERS",
    "MAX_PART",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "Column",
    "XlsxError",
    "XlsxFileError",
    "XlsxResult",
    "XlsxRow",
    "check_archive",
    "fold_header",
    "iter_xlsx",
    "max_cell_chars",
    "read_xlsx",
]

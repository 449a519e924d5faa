"""The parts of a workbook as streams of XML elements in bounded memory, and what the reader needs
from the small ones: which part is the first visible worksheet, its shared strings, which cell
styles are dates, and the workbook's date epoch (see the package's docstring).

Every part is parsed by `walk`: the C ``XMLPullParser`` of the standard library fed a chunk at a
time from the guarded archive (which refuses a DTD, hence any entity, and any encoding but UTF-8
before the parser sees it). A record (a row, a shared string, a relationship …) is handed over
when it ends and then dropped from the tree, so the tree never holds more than the record being
read; one record may hold at most `MAX_RECORD_ELEMENTS` elements and `MAX_RECORD_BYTES` of XML.
"""

import posixpath
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, XMLPullParser

from django.utils.translation import gettext as _

from .base import XlsxFileError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKBOOK_TYPES = frozenset(
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "openxmlformats-officedocument.spreadsheetml.sheet",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "ms-excel.template.macroEnabled",
        "ms-excel.addin.macroEnabled",
    )
)

CHUNK = 8 * 1024  # small: the elements of one feed are freed before the collector runs (64 KB: 3× slower)
MAX_RECORD_ELEMENTS = 200_000  # a full row of 16,384 rich-text cells is far less
MAX_RECORD_BYTES = 16 * 1024 * 1024  # a ledger row is under 1 KB


def _too_large(part: str) -> XlsxFileError:
    return XlsxFileError(
        _("One row or record of the file (in %(part)s) is far larger than a sheet's; it was not read.")
        % {"part": part},
        code="xlsx.too_large",
    )


def walk(stream: Any, *, depth: int) -> Iterator[tuple[Element, Element | None]]:
    """(element, its parent) for every element at most `depth` deep (the root is 0), as it ends.

    An element at `depth` comes whole (a record: a row is 2 deep in a sheet); one nearer the root
    (a container) comes when it ends, after its records were handed over and dropped, with its
    attributes only. Broken XML raises the parser's ParseError."""
    parser = XMLPullParser(events=("start", "end"))
    open_: list[Element] = []  # the containers open now (at depths 0 … depth-1)
    level = 0  # elements open now
    pending = 0  # elements begun since the last record or container ended
    fed = reset_at = 0  # bytes fed; bytes fed when `pending` was last reset
    name = getattr(stream, "name", "")
    while True:
        data = stream.read(CHUNK)
        if data:
            parser.feed(data)
            fed += len(data)
        else:
            parser.close()
        for event, element in parser.read_events():
            if event == "start":
                if level < depth:
                    open_.append(element)
                level += 1
                pending += 1
                if pending > MAX_RECORD_ELEMENTS:
                    raise _too_large(name)
                continue
            level -= 1
            if level > depth:
                continue
            if level < depth:
                open_.pop()
            parent = open_[-1] if open_ else None
            yield element, parent
            if parent is not None:
                parent.remove(element)  # its first child: the ones before it are gone already
            pending = 0
            reset_at = fed
        if not data:
            return
        if fed - reset_at > MAX_RECORD_BYTES + CHUNK:
            raise _too_large(name)


def _records(archive: Any, part: str, depth: int) -> Iterator[tuple[Element, Element | None]]:
    with archive.open(part) as stream:
        yield from walk(stream, depth=depth)


def _exists(archive: Any, part: str) -> bool:
    try:
        archive.getinfo(part)
    except KeyError:
        return False
    return True


def _relationships(archive: Any, part: str) -> dict[str, tuple[str, str]]:
    """Id → (type, target part) of a part's relationships (targets resolved to archive names)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if not _exists(archive, rels):
        return {}
    found = {}
    for element, _parent in _records(archive, rels, 1):
        if element.tag != _RELS + "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target") or ""
        target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[element.get("Id") or ""] = (element.get("Type") or "", posixpath.normpath(target))
    return found


class Package:
    """The workbook's small parts, read when the file is opened."""

    def __init__(self, archive: Any) -> None:
        self.archive = archive
        self.overrides: dict[str, str] = {}  # part → content type, from [Content_Types].xml
        for element, _parent in _records(archive, "[Content_Types].xml", 1):
            if element.tag == _TYPES + "Override":
                self.overrides[(element.get("PartName") or "").lstrip("/")] = element.get("ContentType") or ""
        self.workbook = self._workbook_part()
        self.rels = _relationships(archive, self.workbook)
        self.shared_strings_part = next(
            (part for part, kind in self.overrides.items() if kind == _SHARED_STRINGS_TYPE),
            next((target for kind, target in self.rels.values() if kind == _OFFICE + "sharedStrings"), None),
        )
        # The shared-string table is kept in memory: its part is capped however it is named.
        if self.shared_strings_part is not None:
            archive.capped_parts.add(self.shared_strings_part)

    def _workbook_part(self) -> str:
        for kind, target in _relationships(self.archive, "_rels/.rels").values():
            if kind == _OFFICE + "officeDocument" and _exists(self.archive, target):
                return target
        for part, kind in self.overrides.items():
            if kind in _WORKBOOK_TYPES and _exists(self.archive, part):
                return part
        return "xl/workbook.xml"

    def first_visible_sheet(self) -> tuple[str | None, bool]:
        """The part of the first visible worksheet (None: there is none), and whether the workbook
        counts its dates from 1904."""
        sheet, date1904 = None, False
        for element, parent in _records(self.archive, self.workbook, 2):
            if element.tag == MAIN + "workbookPr":
                date1904 = (element.get("date1904") or "").lower() in ("1", "true")
            elif element.tag == MAIN + "sheet" and parent is not None and parent.tag == MAIN + "sheets":
                kind, target = self.rels.get(element.get(_R_ID) or "", ("", ""))
                state = element.get("state") or "visible"
                if sheet is None and kind == _OFFICE + "worksheet" and state == "visible":
                    sheet = target
        return sheet, date1904

    def shared_strings(self) -> list[str | None]:
        """The shared-string table, each text trimmed ("" as None), as cells give them (its part
        is capped: see `GuardedArchive`)."""
        if self.shared_strings_part is None or not _exists(self.archive, self.shared_strings_part):
            return []
        strings = []
        for element, _parent in _records(self.archive, self.shared_strings_part, 1):
            if element.tag == MAIN + "si":
                # "x005F_" dropped as openpyxl does (Excel's escape of a literal "_x…_").
                strings.append(rich_text(element).replace("x005F_", "").strip() or None)
        return strings

    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """The cell styles (indexes into cellXfs) whose number format is a date, and a duration."""
        from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

        styles = next((t for kind, t in self.rels.values() if kind == _OFFICE + "styles"), "xl/styles.xml")
        if not _exists(self.archive, styles):
            return frozenset(), frozenset()
        custom: dict[int, str] = {}
        dates, durations = set(), set()
        index = 0
        for element, parent in _records(self.archive, styles, 2):
            if parent is None:
                continue
            if element.tag == MAIN + "numFmt" and parent.tag == MAIN + "numFmts":
                custom[_integer(element.get("numFmtId"))] = element.get("formatCode") or ""
            elif element.tag == MAIN + "xf" and parent.tag == MAIN + "cellXfs":
                number = _integer(element.get("numFmtId"))
                code = custom[number] if number in custom else builtin_format_code(number)
                if is_date_format(code):
                    dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
                index += 1
        return frozenset(dates), frozenset(durations)


def _integer(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


def rich_text(element: Element) -> str:
    """The text of a string item (<si>, <is>): its <t>, then the <t> of each run (<r>); phonetic
    runs (<rPh>) are not the text."""
    plain = None
    runs = []
    for child in element:
        if child.tag == MAIN + "t":
            plain = child.text or ""
        elif child.tag == MAIN + "r":
            text = child.find(MAIN + "t")
            if text is not None and text.text is not None:
                runs.append(text.text)
    if not runs:
        return plain or ""
    return (plain or "") + "".join(runs)

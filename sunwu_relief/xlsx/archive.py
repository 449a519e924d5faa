"""The archive checks: what is refused before any XML is parsed, and the counting archive every
part is read through while it is parsed (see the package's docstring)."""

import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from .base import (
    MAX_MEMBERS,
    MAX_PART,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    OLE_MAGIC,
    RATIO_FLOOR,
    XLSX_MAGIC,
    XlsxError,
    XlsxFileError,
)

# Bytes of XML per character of text at most (a numeric character reference: "&#1114111;").
_BYTES_PER_CHAR = 10
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ENCODINGS = frozenset({b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1", b"latin1"})
_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


def source_bytes(source: str | Path | bytes | IO[bytes]) -> bytes:
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


class GuardedStream:
    """A member being inflated, counted as it is read (see `GuardedArchive`)."""

    def __init__(self, raw: Any, *, archive: "GuardedArchive", info: zipfile.ZipInfo) -> None:
        self.raw = raw
        self.archive = archive
        self.name = info.filename
        self.declared = info.file_size  # zipfile inflates no more than this (a lying entry fails its CRC)
        # Worksheets are streamed row by row; the shared strings are kept whole in memory.
        capped = self.name in archive.capped_parts or not _is_worksheet(self.name)
        self.limit = archive.max_part if capped else None
        self.inflated = 0
        self.run = 0  # bytes since the last "<"
        self.context = b""  # the XML just before that "<"
        self.tail: bytes | None = None  # the last bytes read (None: nothing read yet)
        self.refused: XlsxFileError | None = None  # raised at the next read

    def read(self, size: int | None = -1) -> bytes:
        if (size is None or size < 0) and self.declared > self.archive.max_part:
            raise _bomb()  # a whole part at once: refused before it is inflated
        if self.refused is not None:
            raise self.refused
        data = self.raw.read(size)
        self.inflated += len(data)
        self.archive.inflated += len(data)
        if self.archive.inflated > self.archive.max_uncompressed or (
            self.limit is not None and self.inflated > self.limit
        ):
            raise _bomb()
        if data:
            if self.tail is None:
                self._check_prolog(data)
            self._watch_markup(data)
            cut = self._watch_text(data)
            if cut is not None:
                # The bytes before the long text are read as usual (the rows before it, the
                # header among them, name its column); the refusal comes with the next read.
                self.refused = self._too_long()
                if cut <= 0:
                    raise self.refused
                data = data[:cut]
        return data

    def _check_prolog(self, data: bytes) -> None:
        """UTF-8 (or ASCII, Latin-1) only: in those a DTD is seen in the bytes (`_watch_markup`);
        Excel and every other writer we know write UTF-8."""
        head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        declared = b"utf-8"
        if head.startswith(b"<?xml"):
            end = head.find(b"?>")
            found = _ENCODING.search(head[:end]) if end != -1 else None
            if end == -1:
                declared = b"?"  # a declaration that does not end
            elif found:
                declared = found.group(1).lower()
        if b"\0" in head[:4] or head[:2] in (b"\xff\xfe", b"\xfe\xff") or declared not in _ENCODINGS:
            raise XlsxFileError(
                _("A part of the file (%(part)s) is not in UTF-8; save the file again with Excel.")
                % {"part": self.name},
                code="xlsx.encoding",
            )

    def _watch_markup(self, data: bytes) -> None:
        """No DTD, hence no entity (the billion laughs): an xlsx part never declares one."""
        if b"<!DOCTYPE" in data or b"<!DOCTYPE" in (self.tail or b"") + data[:9]:
            raise XlsxFileError(
                _(
                    "A part of the file (%(part)s) declares a DTD or entities; a spreadsheet never does, and it was not read."
                )
                % {"part": self.name},
                code="xlsx.dtd",
            )
        self.tail = data[-9:]

    def _watch_text(self, data: bytes) -> int | None:
        """None, or where a stretch of text grows too long: the offset of the "<" before it in
        `data` (-1: it began in an earlier read)."""
        limit = self.archive.max_run
        first = data.find(b"<")
        if first == -1:
            self.run += len(data)
            return -1 if self.run > limit else None
        if self.run + first > limit:
            return -1
        if len(data) > limit and max(len(piece) for piece in data.split(b"<")) > limit:
            at = first  # a stretch lies wholly inside this read: find its "<"
            while (following := data.find(b"<", at + 1)) != -1 and following - at - 1 <= limit:
                at = following
            return self._remember(data, at)
        last = data.rfind(b"<")
        self.run = len(data) - last - 1
        self._remember(data, last)
        return last if self.run > limit else None

    def _remember(self, data: bytes, at: int) -> int:
        """The XML before the "<" at `at` becomes the context that names a cell."""
        self.context = (self.context + data[: at + 1])[-4096:] if at < 4096 else data[at - 4096 : at + 1]
        return at

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

    def __enter__(self) -> "GuardedStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class GuardedArchive(zipfile.ZipFile):
    """The archive the parts are parsed from: what it inflates is counted and capped, no part may
    declare a DTD or use an encoding but UTF-8, and no stretch of text can grow past what one cell
    may hold before the parser has it in memory."""

    def __init__(self, file: Any, *, max_uncompressed: int, max_part: int, max_chars: int) -> None:
        super().__init__(file, "r")
        self.max_uncompressed = max_uncompressed
        self.max_part = max_part
        self.max_chars = max_chars
        # A cell of `max_chars` characters is at most this many bytes of XML (plus its tag).
        self.max_run = max_chars * _BYTES_PER_CHAR + 1024
        self.inflated = 0
        self.capped_parts: set[str] = set()  # the shared-string table, found through the manifest

    def open(self, name: Any, mode: str = "r", pwd: bytes | None = None, **kwargs: Any) -> Any:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        stream = super().open(name, mode, pwd, **kwargs)
        if mode != "r":
            return stream
        return GuardedStream(stream, archive=self, info=info)

"""Hostile and odd xlsx files, made by editing the parts of a real workbook."""

import io
import os
import re
import zipfile
from collections.abc import Callable

SHEET = "xl/worksheets/sheet1.xml"


def rewrite_part(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """`data` (an xlsx) with the part `name` passed through `change`; every other part as it was."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return buffer.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with its first sheet declaring `<dimension ref=...>` (Excel ignores it; openpyxl
    in read-only mode believed it)."""
    return rewrite_part(
        data, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)
    )


def with_broken_xml_after_row(data: bytes, row: int) -> bytes:
    """The workbook with its sheet's XML cut off (and garbage after) just after row `row`."""

    def cut(xml: bytes) -> bytes:
        end = xml.index(b"</row>", xml.index(f'<row r="{row}"'.encode())) + len(b"</row>")
        return xml[:end] + b'<row r="99"><c r="A99" t="inlineStr"><is><t>x</t></is></c><row><<<'

    return rewrite_part(data, SHEET, cut)


def padded_bomb(
    *,
    inflated_mib: int = 300,
    padding_mib: int = 4,
    cell_text: bool = False,
    headers: list[str] | None = None,
    rows_before: int = 0,
) -> bytes:
    """A zip bomb whose whole-archive ratio looks ordinary: a sheet that inflates `inflated_mib` MiB
    beside a stored member of random bytes that pads the compressed size.

    With `cell_text` the sheet's bulk is one inline-string cell (a single huge cell) whose text
    deflates about 150× (under any ratio limit); otherwise it is rows of empty styled cells. The
    header row holds `headers` (default: 身份证号 alone), followed by `rows_before` ordinary rows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="'
            '/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open(SHEET, "w", force_zip64=True) as member:
            header = "".join(
                f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>'
                for i, text in enumerate(headers or ["身份证号"])
            )
            member.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row r="1">' + header.encode() + b"</row>"
            )
            for number in range(2, 2 + rows_before):
                member.write(
                    f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{number:018d}</t></is></c>'
                    f'<c r="B{number}" t="inlineStr"><is><t>名字{number}</t></is></c></row>'.encode()
                )
            chunk_mib = 1024 * 1024
            big = 2 + rows_before
            if cell_text:
                member.write(f'<row r="{big}"><c r="B{big}" t="inlineStr"><is><t>'.encode())
                letters = bytes(b"abcdefghijklmnop"[i % 16] for i in range(256))
                for _ in range(inflated_mib):
                    # Mostly one letter, a few random ones: deflates ~150×, under any ratio limit.
                    noise = os.urandom(16 * 1024).translate(letters)
                    member.write(b"".join(b"x" * 1008 + noise[i : i + 16] for i in range(0, 16 * 1024, 16)))
                member.write(b"</t></is></c></row>")
            else:
                row = b'<row r="%d"><c r="A%d" s="0"/></row>'
                number = big
                written = 0
                while written < inflated_mib * chunk_mib:
                    block = b"".join(row % (n, n) for n in range(number, number + 10_000))
                    number += 10_000
                    member.write(block)
                    written += len(block)
            member.write(b"</sheetData></worksheet>")
        archive.writestr(zipfile.ZipInfo("xl/media/padding.bin"), os.urandom(padding_mib * 1024 * 1024))
    return buffer.getvalue()

"""Lists as xlsx downloads: what the list shows, as the user sees it, never a formula.

A list view that offers a download builds its rows from the same selector and the same masking
as the page, and answers with `xlsx_download(...)`. Every cell is written as text unless it is a
number (`int`/`Decimal`): an ID number or an account number stays digits-as-text, and a text
beginning with = + - @ stays text (never evaluated). Each download is audited, and one that
shows full ID numbers or health data is in the access log with every object it contained.
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .audit import record_event, record_list_access
from .text import export_safe
from .ui import client_ip


class ExportEvent(models.TextChoices):
    DOWNLOAD = "export.download", _("List downloaded")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000


def _cell(sheet, value: object) -> WriteOnlyCell:
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    cell = WriteOnlyCell(sheet, value=export_safe("" if value is None else str(value)))
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def workbook_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A one-sheet workbook: a title row, the header row, the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export_safe(title)[:31] or "Sheet1")
    heading = WriteOnlyCell(sheet, value=export_safe(title))
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    header = []
    for text in headers:
        cell = _cell(sheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            break
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(
    request: HttpRequest,
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    objects: Sequence[models.Model],
    list_name: str,
    full_id_numbers: bool = False,
    health_data: bool = False,
) -> HttpResponse:
    """The list `list_name` as `filename`.xlsx for `request.user`; `objects` are the rows' objects
    (for the access log), `full_id_numbers`/`health_data` whether the rows show them unmasked."""
    content = workbook_bytes(title=title, headers=headers, rows=rows)
    record_event(
        actor=request.user,
        action=ExportEvent.DOWNLOAD,
        list=list_name,
        rows=len(rows),
        full_id_numbers=full_id_numbers,
    )
    record_list_access(
        user=request.user,
        objs=list(objects),
        channel="export",
        full_id_numbers=full_id_numbers,
        health_data=health_data,
        ip_address=client_ip(request),
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response

"""Lists as xlsx downloads: what the list shows, as the user sees it, never a formula.

A list view that offers a download builds its rows from the same selector and the same masking
as the page, and answers with `xlsx_download(...)`; most describe their columns once as a
`ListExport` (a title and `Column`s, each a header and how a row's cell is read) and answer
`EXPORT.response(request, rows)` when `wants_xlsx(request)`. The page links to the download with
`{% include "_xlsx_link.html" %}`, which carries the page's filters. Every cell is written as text unless it is a
number (`int`/`Decimal`): an ID number or an account number stays digits-as-text, and a text
beginning with = + - @ stays text (never evaluated). Each download is audited and is in the access
log (channel `export`) with every object it contained, whether it shows full ID numbers or health
data (flagged on the row) or only masked ones.
"""

import datetime
import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .audit import record_event, record_list_access
from .db_router import replica_reads
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
        always=True,  # every download, masked or not, is in the access log
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def wants_xlsx(request: HttpRequest) -> bool:
    """The list page asked for as its download (`?format=xlsx`, the page's filters kept)."""
    return request.GET.get("format") == "xlsx"


def download_query(request: HttpRequest) -> str:
    """The page's query string (its filters) without the page number, asking for the download."""
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return query.urlencode()


@dataclass(frozen=True)
class Column:
    """One column of a download: its header and how a row's cell is read (never a query: the
    list preloads what it shows)."""

    header: Any  # a (lazy) translated string
    value: Callable[[Any], object]


@dataclass(frozen=True)
class ListExport:
    """A list's download: `name` is the file's name and the audit's `list`; `title` the sheet's.
    `objects` reads the row's object for the access log (the row itself by default)."""

    name: str
    title: Any
    columns: tuple[Column, ...]
    objects: Callable[[Any], models.Model] | None = None

    def response(
        self, request: HttpRequest, rows: Iterable[Any], *, full_id_numbers: bool = False, health_data: bool = False
    ) -> HttpResponse:
        """Every row (all pages, at most MAX_ROWS) as `name`.xlsx for `request.user`; read from the
        replica when there is one (the access log is written to `default`)."""
        with replica_reads():
            if isinstance(rows, QuerySet):
                rows = rows[:MAX_ROWS]  # the database stops at the limit
            rows = list(itertools.islice(rows, MAX_ROWS))
            read = self.objects or (lambda row: row)
            objects = [obj for obj in (read(row) for row in rows) if obj is not None]
        return xlsx_download(
            request,
            filename=self.name,
            title=str(self.title),
            headers=[str(column.header) for column in self.columns],
            rows=[[column.value(row) for column in self.columns] for row in rows],
            objects=objects,
            list_name=self.name,
            full_id_numbers=full_id_numbers,
            health_data=health_data,
        )

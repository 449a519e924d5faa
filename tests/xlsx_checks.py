"""Reading a list's download back, for the export tests: every cell, and the checks each list's
download must pass (no full ID number anywhere, no formula, audited once)."""

import io
import re

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sunwu_relief.models import AccessLog, AuditEvent

FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")  # 18 characters, not part of a longer number (a card)
FORMULA_STARTS = ("=", "+", "-", "@")


def sheet_rows(response) -> list[list]:
    """The workbook's rows of cells: [0] the title, [1] the headers, [2:] the list."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


def values(rows: list[list]) -> list[list]:
    """The list's rows as values (title and header row left out)."""
    return [[cell.value for cell in row] for row in rows[2:]]


def column(rows: list[list], header: str) -> list:
    """The values of the column headed `header` (the header as the download says it)."""
    headers = [cell.value for cell in rows[1]]
    index = headers.index(header)
    return [row[index].value if index < len(row) else None for row in rows[2:]]


def assert_safe(rows: list[list]) -> None:
    """No full ID number in any cell, and no cell a formula (text beginning = + - @ stays text)."""
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            text = "" if cell.value is None else str(cell.value)
            assert not FULL_ID.search(text), (cell.coordinate, text)
            if text.startswith(FORMULA_STARTS):
                assert cell.data_type == "s", cell.coordinate


def assert_downloads_audited(user, list_name: str, count: int) -> None:
    """Each download is one audit event `export.download` naming the list and one access-log row
    (channel `export`); a masked list's rows say that no full ID number or health data was shown."""
    events = AuditEvent.objects.filter(action="export.download", actor=user, detail__list=list_name)
    assert events.count() == count
    logs = AccessLog.objects.filter(channel="export", user=user)
    assert logs.count() == count
    assert not logs.filter(full_id_numbers=True).exists()


def query_count(client, url: str, params: dict | None = None) -> int:
    """How many queries one GET makes (the response must be a 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return len(queries)


def pinned(params: dict, *, page: int, download: int) -> int:
    """The pinned query count of a list's page or of its download (`format=xlsx` in `params`).
    Both include the log-in's (session, user, staff profile), the page's frame and, for the
    download, its audit event; none grows with the rows."""
    return download if params.get("format") == "xlsx" else page

"""Every page, download and API read, for every role that may use it: its queries do not grow with
the data. Each allowed GET cell of the access matrix (tests/access/matrix.py) is asked once, then
both townships record more work (a request, a complaint, a temporary case, a household with a case
under investigation, another case approved with its benefit, a medical claim), and the cell is asked
again: the same number of queries, or the page reads something per row. (Each kind is grown once
before the first count, so that a read done only when a kind exists is counted both times.)

The per-page pins with their exact counts stay beside each feature's tests; this is the net under
all of them (a new page gets its row in the matrix, and with it this check)."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .matrix import ADMIN_ROWS, PERSONAS, ROWS
from .test_matrix import _client, _expected, _url, world  # noqa: F401  (the module's world fixture)
from .world import grow

# Cells whose count may change with the data for a reason of their own (none today): name: why.
VARYING: dict[str, str] = {}

PERSONAS_WITH_ROLE = [p for p in PERSONAS if p not in ("stranger", "anonymous", "inactive")]


def _cells(built) -> list[tuple]:
    cells = []
    for row in ROWS + ADMIN_ROWS:
        if row.method != "GET" or row.public or row.name in VARYING:
            continue
        for persona in PERSONAS_WITH_ROLE:
            if row.staff_only and persona not in ("bureau_reviewer", "auditor"):
                continue
            statuses, _target, refusal = _expected(row, persona, "own")
            if refusal or 200 not in statuses:
                continue
            url = _url(row, built, "own")
            if url is not None:
                cells.append((row, persona, url))
    return cells


def _shape(sql: str) -> str:
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "S", sql))[-200:]


def _queries(built, row, persona: str, url: str) -> tuple[int, Counter]:
    from .test_matrix import _channel

    client = _client(built, persona, _channel(row))
    connection.queries_log.clear()  # the log keeps 9,000 queries: counted from empty each time
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, row.query)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # a streamed download reads as it is sent
    return response.status_code, Counter(_shape(q["sql"]) for q in captured.captured_queries)


@pytest.mark.django_db
def test_no_page_reads_per_row(world):  # noqa: F811
    cells = _cells(world)
    assert len(cells) > 150  # the matrix's allowed GET cells (a sanity check that they were found)
    # One of each kind first (a page that reads a kind only when there is one, a standard for a
    # case without its own numbers, counts that query once), then the count must hold at two.
    grow(world, "own", approved=True, names=("孙初户", "孙初子"))
    grow(world, "other", approved=True, names=("吴初户", "吴初子"))
    before = {}
    for row, persona, url in cells:
        _queries(world, row, persona, url)  # warm: sessions, caches, the first request's reads
        before[row.name, row.note, persona] = _queries(world, row, persona, url)
    grow(world, "own", approved=True, names=("孙新户", "孙新子"))
    grow(world, "other", approved=True)
    grown = []
    for row, persona, url in cells:
        status, shapes = _queries(world, row, persona, url)
        first_status, first_shapes = before[row.name, row.note, persona]
        count, first_count = sum(shapes.values()), sum(first_shapes.values())
        if status != first_status or (status == 200 and count != first_count):
            more = "; ".join(sorted((shapes - first_shapes).elements()))[:600]
            grown.append(
                f"{row.name} {row.note} [{persona}] {url}: {first_status}/{first_count} → {status}/{count}: {more}"
            )
    assert not grown, "queries that grow with the data:\n" + "\n".join(grown)

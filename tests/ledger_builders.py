"""Builders for registered-poor ledgers (docs/interfaces.md §6): rows, xlsx files, hostile files."""

import io
import zipfile
from typing import Any

from openpyxl import Workbook

from households.ledger import HEADERS
from tests.conftest import new_id_number

ORDER = list(HEADERS)


def ledger_row(**overrides: Any) -> dict[str, Any]:
    """A valid ledger row with the English keys; a fresh ID number unless given."""
    row = {
        "household_number": "23112400000001",
        "name": "崔敏",
        "id_number": new_id_number(born="19621005"),
        "relationship": "户主",
        "township": "孙吴镇",
        "village": "三屯村",
        "household_size": 1,
        "poverty_attribute": "低保贫困户",
        "poverty_status": "未脱贫",
        "exit_year": None,
        "poverty_cause": "因病",
        "labour_capacity": "无劳动力",
        "health": "患有大病",
    }
    row.update(overrides)
    return row


def ledger_xlsx(
    rows: list[dict[str, Any]],
    *,
    keys: list[str] | None = None,
    headers: dict[str, str] | None = None,
    title: bool = True,
    extra_header: str | None = None,
) -> bytes:
    """The rows as an xlsx ledger: optional title rows above the header, columns in `keys` order."""
    keys = keys or ORDER
    texts = {**HEADERS, **(headers or {})}
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["孙吴县建档立卡贫困人口台账"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(keys))
        sheet.append(["填报单位：孙吴县扶贫开发办公室"])
    header = [texts[key] for key in keys] + ([extra_header] if extra_header else [])
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(key) for key in keys] + (["ignored"] if extra_header else []))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A small 'xlsx' whose sheet inflates to far more than any ledger (1 MiB → 300 MiB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    return buffer.getvalue()

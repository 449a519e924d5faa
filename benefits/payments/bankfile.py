"""The bank's payment file and its result file (xlsx; the formats are in docs/payments.md).

Written with openpyxl's write-only mode (streams, bounded memory); every identifier is a text
cell, amounts are numbers, nothing is a formula. The result file is read only through the shared
careful reader (`sunwu_relief.xlsx`)."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font

from sunwu_relief.sheet_writer import NUMBER, TEXT, BodyRows, text_cell
from sunwu_relief.xlsx import Column

from ..models import ItemKind, PaymentBatch

HEADERS = [
    "序号",
    "批次号",
    "乡镇",
    "行政村",
    "收款人姓名",
    "收款人身份证号",
    "开户银行",
    "银行账号",
    "金额(元)",
    "资金类别",
    "发放月份",
    "项目类型",
    "备注",
]
RESULT_HEADERS = [*HEADERS, "发放结果", "失败原因"]
FUND_LABELS = {"dibao": "低保金", "tekun": "特困供养金", "temporary": "临时救助金", "medical": "医疗救助金"}
KIND_LABELS = {ItemKind.REGULAR: "正常", ItemKind.ARREARS: "补发", ItemKind.RECOVERY: "追回"}
RESULT_PAID = "成功"
RESULT_FAILED = "失败"
TOTAL_LABEL = "合计"

# The result file: rows are matched by 批次号 and 序号; the amount must equal the item's. The
# other columns of the payment file may be there and are not read. Nothing is `required` here:
# the totals row is skipped before the checks, and each missing value is its own row error.
RESULT_COLUMNS = [
    Column("序号", "seq", required=False),
    Column("批次号", "batch", required=False),
    Column("金额(元)", "amount", required=False),
    Column("发放结果", "result", required=False),
    Column("失败原因", "reason", required=False),
]
RESULT_HEADER = "批次号"


# A regular item's fields that are its roll row's cells (`roll_cells`), in the roll's order.
CELL_FIELDS = [
    "township_name",
    "village_name",
    "head_name",
    "head_id_number",
    "covered",
    "classification",
    "amount",
    "start_month",
    "note",
]


def item_note(kind: str, *, note: str, months: dict, reason: str) -> str:
    if kind == ItemKind.REGULAR:
        return note
    months_text = "、".join(sorted(months))
    return f"{KIND_LABELS[kind]}{months_text}；{reason}" if reason else f"{KIND_LABELS[kind]}{months_text}"


# The item's fields a row of the file is written from (`bank_file_items` reads them as plain rows).
ITEM_FIELDS = (
    "seq",
    "township_name",
    "village_name",
    "payee_name",
    "payee_id_number",
    "bank_name",
    "account_number",
    "amount",
    "kind",
    "note",
    "months",
    "reason",
)
KINDS = [NUMBER, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, NUMBER, TEXT, TEXT, TEXT, TEXT]


def bank_row(batch: PaymentBatch, item: tuple) -> list:
    """The file's row of an item (a tuple of ITEM_FIELDS' values)."""
    seq, township, village, name, id_number, bank, account, amount, kind, note, months, reason = item
    return [
        seq,
        batch.number,
        township,
        village,
        name,
        id_number,
        bank,
        account,
        amount,
        FUND_LABELS.get(batch.programme, ""),
        f"{batch.month:%Y-%m}",
        KIND_LABELS[kind],
        item_note(kind, note=note, months=months, reason=reason),
    ]


def write_bank_file(batch: PaymentBatch, items: Iterable[tuple], target: Path | str | IO[bytes]) -> tuple[int, Decimal]:
    """Write the items (tuples of ITEM_FIELDS' values, streamed) as the bank's payment file;
    (count, total)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代发明细")
    header = []
    for text in HEADERS:
        cell = text_cell(sheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    body = BodyRows(sheet, KINDS)
    count, total = 0, Decimal("0")
    for item in items:
        body.append(bank_row(batch, item))
        count += 1
        total += item[7]
    last = [None] * len(HEADERS)
    last[0] = text_cell(sheet, TOTAL_LABEL)
    last[1] = text_cell(sheet, batch.number)
    last[4] = text_cell(sheet, f"共{count}笔")
    last[8] = total
    sheet.append(last)
    workbook.save(target)
    return count, total


def parse_amount(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def parse_seq(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else None

"""The bank's payment file and its result file (xlsx; the formats are in docs/payments.md).

Written with openpyxl's write-only mode (streams, bounded memory); every identifier is a text
cell, amounts are numbers, nothing is a formula. The result file is read only through the shared
careful reader (`sunwu_relief.xlsx`)."""

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sunwu_relief.text import export_safe
from sunwu_relief.xlsx import Column

from ..models import ItemKind, PaymentBatch, PaymentItem
from ..roll import RollRow

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


def roll_cells(row: RollRow) -> list:
    """The cells of a roll row, in the roll's column order (a regular item has the same)."""
    return [
        row.township,
        row.village,
        row.head_name,
        row.head_id_number,
        row.covered,
        row.classification,
        row.amount,
        row.start_month,
        row.note,
    ]


def item_note(item: PaymentItem) -> str:
    if item.kind == ItemKind.REGULAR:
        return item.note
    months = "、".join(sorted(item.months))
    return f"{KIND_LABELS[item.kind]}{months}；{item.reason}" if item.reason else f"{KIND_LABELS[item.kind]}{months}"


def _text(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value="" if value is None else export_safe(str(value)))
    cell.data_type = "s"  # never a formula, whatever the first character
    cell.number_format = "@"
    return cell


def item_row(sheet, item: PaymentItem, *, batch: PaymentBatch) -> list:
    return [
        item.seq,
        _text(sheet, batch.number),
        _text(sheet, item.township_name),
        _text(sheet, item.village_name),
        _text(sheet, item.payee_name),
        _text(sheet, item.payee_id_number),
        _text(sheet, item.bank_name),
        _text(sheet, item.account_number),
        item.amount,
        _text(sheet, FUND_LABELS.get(batch.programme, "")),
        _text(sheet, f"{batch.month:%Y-%m}"),
        _text(sheet, KIND_LABELS[item.kind]),
        _text(sheet, item_note(item)),
    ]


def write_bank_file(batch: PaymentBatch, items, target: Path | str | IO[bytes]) -> tuple[int, Decimal]:
    """Write the items (an iterable, streamed) as the bank's payment file; (count, total)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代发明细")
    header = []
    for text in HEADERS:
        cell = _text(sheet, text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count, total = 0, Decimal("0")
    for item in items:
        sheet.append(item_row(sheet, item, batch=batch))
        count += 1
        total += item.amount
    last = [None] * len(HEADERS)
    last[0] = _text(sheet, TOTAL_LABEL)
    last[1] = _text(sheet, batch.number)
    last[4] = _text(sheet, f"共{count}笔")
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

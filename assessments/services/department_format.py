"""The departments' xlsx formats (assessments/FORMATS.md) and the reading of one file into
records: every row error with its row and column, nothing written."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from sunwu_relief.errors import InvalidInput
from sunwu_relief.xlsx import Column, XlsxError, XlsxFileError, read_xlsx

from ..models import DepartmentImport, DepartmentRecord, Source

ID = Column("身份证号", "id_number", text=True)
NAME = Column("姓名", "name")

# Per source: the columns, which column is the item key, and how a row becomes a record.
FORMATS: dict[str, list[Column]] = {
    Source.HUKOU: [
        ID,
        NAME,
        Column("户号", "hukou_number", text=True),
        Column("与户主关系", "relationship", required=False),
        Column("户籍地址", "address", required=False, multiline=True),
        Column("户籍状态", "status", required=False),
    ],
    Source.VEHICLE: [
        ID,
        NAME,
        Column("号牌号码", "plate"),
        Column("车辆类型", "vehicle_type"),
        Column("初次登记日期", "registered_on", required=False),
        Column("机动车状态", "status", required=False),
    ],
    Source.HOUSING: [
        ID,
        NAME,
        Column("不动产权证号", "certificate", text=True),
        Column("坐落", "location", required=False, multiline=True),
        Column("建筑面积", "area", aliases=("建筑面积(㎡)", "建筑面积(平方米)")),
        Column("房屋用途", "use", required=False),
    ],
    Source.MACHINERY: [
        ID,
        NAME,
        Column("机具名称", "machine"),
        Column("号牌或编号", "plate", text=True),
        Column("购置价格", "price", required=False, aliases=("购置价格(元)",)),
    ],
    Source.EMPLOYMENT: [
        ID,
        NAME,
        Column("单位名称", "employer"),
        Column("月缴费工资", "wage", aliases=("月缴费工资(元)", "缴费基数")),
        Column("参保状态", "status", required=False),
    ],
    Source.BUSINESS: [
        ID,
        NAME,
        Column("市场主体名称", "business_name"),
        Column("统一社会信用代码", "credit_code", text=True),
        Column("登记状态", "status", required=False),
        Column("经营范围", "scope", required=False, multiline=True),
    ],
}

# Which column a record's item key and its label come from (where a too-long value is reported).
KEY_COLUMN = {
    Source.HUKOU: "户号",
    Source.VEHICLE: "号牌号码",
    Source.HOUSING: "不动产权证号",
    Source.MACHINERY: "号牌或编号",
    Source.EMPLOYMENT: "单位名称",
    Source.BUSINESS: "统一社会信用代码",
}
LABEL_COLUMN = {
    Source.HUKOU: "户号",
    Source.VEHICLE: "车辆类型",
    Source.HOUSING: "坐落",
    Source.MACHINERY: "机具名称",
    Source.EMPLOYMENT: "单位名称",
    Source.BUSINESS: "市场主体名称",
}

# Status values that mean the item no longer exists; any other (or none) is active.
INACTIVE_STATUS = {"注销", "迁出", "死亡", "报废", "终止", "停保", "暂停缴费", "吊销", "撤销"}


@dataclass(frozen=True)
class ParsedRecord:
    id_number: str
    name: str
    key: str
    label: str
    amount: Decimal | None
    area: Decimal | None
    active: bool
    extra: dict


@dataclass
class ImportOutcome:
    job: DepartmentImport
    created: bool  # False: the same file was imported before, nothing changed


class ImportFailed(InvalidInput):
    """The file has row errors; nothing was written."""

    def __init__(self, errors: list[XlsxError]) -> None:
        self.errors = errors
        super().__init__(
            _("The file has %(count)d errors; nothing was imported.") % {"count": len(errors)},
            field_errors={"file": [str(e) for e in errors[:200]]},
        )


def _column(source: str, key: str) -> str:
    return next(c.header for c in FORMATS[source] if c.key == key)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    result = Decimal(str(value).replace(",", "").strip())
    if not result.is_finite() or result < 0 or result > Decimal("9999999999"):
        raise InvalidOperation
    return result


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip().replace("/", "-"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_row(source: str, number: int, values: dict[str, Any]) -> tuple[ParsedRecord | None, list[XlsxError]]:
    errors: list[XlsxError] = []
    id_number = ""
    if values.get("id_number") is not None:
        try:
            id_number = validate_id_number(values["id_number"])
        except ValidationError as exc:
            errors.append(XlsxError(number, "身份证号", "；".join(exc.messages)))
    amount = area = None
    extra: dict[str, str] = {}
    label = key = ""
    try:
        if source == Source.HUKOU:
            key, label = "户籍", _text(values.get("hukou_number"))
            extra = {"relationship": _text(values.get("relationship")), "address": _text(values.get("address"))}
        elif source == Source.VEHICLE:
            key = _text(values.get("plate"))
            label = f"{_text(values.get('vehicle_type'))} {key}".strip()
            extra = {"type": _text(values.get("vehicle_type"))}
            if values.get("registered_on") is not None:
                try:
                    extra["registered_on"] = _date(values["registered_on"]).isoformat()
                except ValueError:
                    errors.append(XlsxError(number, "初次登记日期", _("not a date (YYYY-MM-DD)")))
        elif source == Source.HOUSING:
            key = _text(values.get("certificate"))
            label = _text(values.get("location")) or key
            extra = {"use": _text(values.get("use"))}
            if values.get("area") is not None:
                try:
                    area = _decimal(values["area"])
                except InvalidOperation:
                    errors.append(XlsxError(number, "建筑面积", _("not a number of square metres")))
        elif source == Source.MACHINERY:
            key = _text(values.get("plate"))
            label = f"{_text(values.get('machine'))} {key}".strip()
            if values.get("price") is not None:
                try:
                    amount = _decimal(values["price"])
                except InvalidOperation:
                    errors.append(XlsxError(number, "购置价格", _("not an amount in yuan")))
        elif source == Source.EMPLOYMENT:
            key = label = _text(values.get("employer"))
            if values.get("wage") is not None:
                try:
                    amount = _decimal(values["wage"])
                except InvalidOperation:
                    errors.append(XlsxError(number, "月缴费工资", _("not an amount in yuan")))
        elif source == Source.BUSINESS:
            key = _text(values.get("credit_code"))
            label = _text(values.get("business_name"))
            extra = {"scope": _text(values.get("scope"))}
            if key and len(key) != 18:
                errors.append(XlsxError(number, "统一社会信用代码", _("must have 18 characters")))
    except (TypeError, ValueError):
        errors.append(XlsxError(number, "", _("the row cannot be read")))
    name = _text(values.get("name"))
    # Too long is an error, never cut: a cut name or item no longer matches anyone's.
    for column, value, field_name in (
        ("姓名", name, "name"),
        (KEY_COLUMN[source], key, "key"),
        (LABEL_COLUMN[source], label, "label"),
    ):
        limit = DepartmentRecord._meta.get_field(field_name).max_length
        if len(value) > limit:
            errors.append(
                XlsxError(
                    number,
                    column,
                    _("is too long (at most %(max)d characters)") % {"max": limit},
                    code="department.too_long",
                )
            )
    if errors or not id_number or not key or values.get("name") is None:
        return None, errors
    status = _text(values.get("status"))
    extra["status"] = status
    return (
        ParsedRecord(
            id_number=id_number,
            name=name,
            key=key,
            label=label,
            amount=amount,
            area=area,
            active=status not in INACTIVE_STATUS,
            extra=extra,
        ),
        errors,
    )


def read_department_file(source: str, data: bytes) -> list[ParsedRecord]:
    """Parse and validate a whole file; raises ImportFailed with every row error."""
    if source not in FORMATS:
        raise InvalidInput(field_errors={"source": [_("Unknown data source.")]})
    try:
        result = read_xlsx(data, columns=FORMATS[source], header="身份证号")
    except XlsxFileError as exc:
        if exc.errors:  # the file was refused at a cell (one too long to be read): name it
            raise ImportFailed(exc.errors) from exc
        raise
    errors = list(result.errors)
    records: list[ParsedRecord] = []
    seen: dict[tuple[str, str], int] = {}
    bad_rows = {e.row for e in result.errors}
    for row in result.rows:
        record, row_errors = parse_row(source, row.number, row.values)
        if row.number in bad_rows:
            continue  # reader errors already reported for this row
        errors.extend(row_errors)
        if record is None:
            continue
        first = seen.setdefault((record.id_number, record.key), row.number)
        if first != row.number:
            errors.append(
                XlsxError(row.number, "身份证号", _("the same person and item as row %(row)d") % {"row": first})
            )
            continue
        records.append(record)
    if errors:
        errors.sort(key=lambda e: e.row)
        raise ImportFailed(errors)
    return records

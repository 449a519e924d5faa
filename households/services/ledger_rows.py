"""Reading and checking the ledger's rows: an xlsx sheet read one row at a time, and one row's
values → a clean `LedgerRow`, or every error of the row with its row and column."""

from collections.abc import Callable, Iterator, Set
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunwu_relief import clock
from sunwu_relief.text import forbidden_characters
from sunwu_relief.xlsx import XlsxFileError, iter_xlsx

from ..ids import validate_id_number
from ..models import PovertyStatus
from .ledger_format import (
    COLUMNS,
    FIRST_EXIT_YEAR,
    HEADER_CELL,
    HEALTH,
    KEYS,
    LABOUR_CAPACITIES,
    MAX_PART,
    MAX_ROWS,
    MAX_UNCOMPRESSED,
    POVERTY_ATTRIBUTES,
    POVERTY_CAUSES,
    POVERTY_STATUSES,
    RELATIONSHIPS,
    REQUIRED_KEYS,
    LedgerError,
    LedgerRow,
)


def xlsx_rows(source: str | Path | bytes | IO[bytes]) -> Iterator[tuple[int, dict[str, Any], list[LedgerError]]]:
    rows = iter_xlsx(
        source,
        columns=COLUMNS,
        header=HEADER_CELL,
        max_rows=MAX_ROWS,
        max_uncompressed=MAX_UNCOMPRESSED,
        max_part=MAX_PART,
    )
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except XlsxFileError:
            raise
        except Exception as exc:  # broken XML, a CRC error ...
            raise XlsxFileError(_("The file is damaged or incomplete; it cannot be read as .xlsx.")) from exc
        yield row.number, row.values, [LedgerError(e.row, e.column, e.message) for e in row.errors]


def column_position(column: str | None, label: Callable[[str], str]) -> int:
    key = column_key(column, label)
    return KEYS.index(key) if key is not None else -1


def column_key(column: str | None, label: Callable[[str], str]) -> str | None:
    for key in KEYS:
        if label(key) == column:
            return key
    return None


class RowValidator:
    """One row's values → a clean LedgerRow, or None with `errors` (every error of the row)."""

    def __init__(self, *, label: Callable[[str], str], townships: dict[str, int]) -> None:
        self.label = label
        self.townships = townships
        self.errors: list[LedgerError] = []
        self.today = clock.today()  # once per import, not once per row
        self.this_year = self.today.year

    def _error(self, key: str, message: str) -> None:
        self.errors.append(LedgerError(self.number, self.label(key), message))

    def clean(self, number: int, values: Any, *, skip: Set[str | None]) -> LedgerRow | None:
        self.number = number
        self.errors = []
        if not isinstance(values, dict):
            self.errors.append(LedgerError(number, None, _("each row must be an object of column values")))
            return None
        text = {}
        for key in KEYS:
            if key in skip:
                text[key] = None
                continue
            text[key] = self._text(key, values.get(key))
        id_number = self._id_number(text["id_number"]) if text["id_number"] is not None else None
        name = self._name("name", text["name"], max_length=64)
        household_number = self._name("household_number", text["household_number"], max_length=64)
        relationship = self._choice("relationship", text["relationship"], RELATIONSHIPS)
        township_id = self._township(text["township"])
        village = self._name("village", text["village"], max_length=64)
        size = self._integer("household_size", text["household_size"], low=1, high=99)
        attribute = self._choice("poverty_attribute", text["poverty_attribute"], POVERTY_ATTRIBUTES)
        status = self._choice("poverty_status", text["poverty_status"], POVERTY_STATUSES)
        exit_year = self._integer("exit_year", text["exit_year"], low=FIRST_EXIT_YEAR, high=self.this_year)
        if status == PovertyStatus.OUT and text["exit_year"] is None and "exit_year" not in skip:
            self._error("exit_year", _("the exit year is required when the status is 已脱贫"))
        elif status == PovertyStatus.NOT_OUT and exit_year is not None:
            self._error("exit_year", _("an exit year is given but the status is 未脱贫"))
        cause = self._choice("poverty_cause", text["poverty_cause"], POVERTY_CAUSES)
        labour = self._choice("labour_capacity", text["labour_capacity"], LABOUR_CAPACITIES)
        health = self._choice("health", text["health"], HEALTH)
        for key in REQUIRED_KEYS:
            if text[key] is None and key not in skip:
                self._error(key, _("a value is required"))
        if self.errors or None in (
            id_number,
            name,
            household_number,
            relationship,
            township_id,
            village,
            attribute,
            status,
        ):
            return None
        return LedgerRow(
            row=number,
            id_number=id_number,
            name=name,
            household_number=household_number,
            relationship=relationship,
            township_id=township_id,
            village_name=village,
            household_size=size,
            poverty_attribute=attribute,
            poverty_status=status,
            exit_year=exit_year,
            poverty_cause=cause or "",
            labour_capacity=labour or "",
            health=health or "",
        )

    def _text(self, key: str, value: Any) -> str | None:
        """A cell as trimmed text; numbers are accepted where digits cannot have been lost."""
        if value is None:
            return None
        if isinstance(value, bool):
            self._error(key, _("must be text, not true/false"))
            return None
        if isinstance(value, str):
            return value.strip() or None
        if key == "id_number" and isinstance(value, int | float):
            self._error(
                key,
                _(
                    "the cell is a number, not text; Excel may have changed the digits — format the column as text and type it again"
                ),
            )
            return None
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
            return str(int(value))
        self._error(key, _("must be text or a whole number"))
        return None

    def _id_number(self, value: str) -> str | None:
        try:
            return validate_id_number(value, today=self.today)
        except ValidationError as exc:
            self._error("id_number", " ".join(exc.messages))
            return None

    def _name(self, key: str, value: str | None, *, max_length: int) -> str | None:
        if value is None:
            return None
        found = forbidden_characters(value)
        if found:
            self._error(key, _("Remove the invisible or control characters (%(chars)s).") % {"chars": ", ".join(found)})
            return None
        if len(value) > max_length:
            self._error(key, _("is too long (at most %(max)d characters)") % {"max": max_length})
            return None
        return value

    def _choice(self, key: str, value: str | None, choices: dict[str, str]) -> str | None:
        if value is None:
            return None
        code = choices.get(value)
        if code is None:
            self._error(
                key,
                _("unknown value “%(value)s”; expected one of: %(choices)s")
                % {"value": value[:40], "choices": "、".join(choices)},
            )
        return code

    def _township(self, value: str | None) -> int | None:
        if value is None:
            return None
        township_id = self.townships.get(value)
        if township_id is None:
            self._error("township", _("“%(value)s” is not a township of the county") % {"value": value[:40]})
        return township_id

    def _integer(self, key: str, value: str | None, *, low: int, high: int) -> int | None:
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            self._error(key, _("must be a whole number from %(low)d to %(high)d") % {"low": low, "high": high})
            return None
        return int(value)

"""The ledger's vocabulary and shapes (docs/interfaces.md §6): its words → our codes, its columns,
the limits of one import, and what an import answers (its errors and counts)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sunwu_relief.xlsx import Column

from ..models import (
    LEDGER_IMPORT_JOB,
    HealthStatus,
    LabourCapacity,
    PovertyAttribute,
    PovertyCause,
    PovertyStatus,
    Relationship,
)

# The ledger's values (docs/interfaces.md §6) → our codes.
RELATIONSHIPS = {
    "户主": Relationship.HEAD,
    "配偶": Relationship.SPOUSE,
    "之子": Relationship.SON,
    "之女": Relationship.DAUGHTER,
    "之儿媳": Relationship.DAUGHTER_IN_LAW,
    "之女婿": Relationship.SON_IN_LAW,
    "之孙子": Relationship.GRANDSON,
    "之孙女": Relationship.GRANDDAUGHTER,
    "之父": Relationship.FATHER,
    "之母": Relationship.MOTHER,
    "之兄弟姐妹": Relationship.SIBLING,
    "其他": Relationship.OTHER,
}
POVERTY_ATTRIBUTES = {
    "一般贫困户": PovertyAttribute.GENERAL,
    "低保贫困户": PovertyAttribute.DIBAO,
    "特困供养贫困户": PovertyAttribute.TEKUN,
    "五保贫困户": PovertyAttribute.TEKUN,  # the old name of 特困供养
}
POVERTY_STATUSES = {"未脱贫": PovertyStatus.NOT_OUT, "已脱贫": PovertyStatus.OUT}
POVERTY_CAUSES = {
    "因病": PovertyCause.ILLNESS,
    "因残": PovertyCause.DISABILITY,
    "因学": PovertyCause.EDUCATION,
    "因灾": PovertyCause.DISASTER,
    "缺土地": PovertyCause.LAND,
    "缺水": PovertyCause.WATER,
    "缺技术": PovertyCause.SKILLS,
    "缺劳力": PovertyCause.LABOUR,
    "缺资金": PovertyCause.CAPITAL,
    "交通条件落后": PovertyCause.TRANSPORT,
    "自身发展动力不足": PovertyCause.MOTIVATION,
    "其他": PovertyCause.OTHER,
}
LABOUR_CAPACITIES = {
    "普通劳动力": LabourCapacity.NORMAL,
    "技能劳动力": LabourCapacity.SKILLED,
    "弱劳动力或半劳动力": LabourCapacity.WEAK,
    "丧失劳动力": LabourCapacity.LOST,
    "无劳动力": LabourCapacity.NONE,
}
HEALTH = {
    "健康": HealthStatus.HEALTHY,
    "长期慢性病": HealthStatus.CHRONIC,
    "患有大病": HealthStatus.SERIOUS,
    "残疾": HealthStatus.DISABLED,
}
# Our codes back to the ledger's words (for showing the ledger's view, and for writing ledgers).
LEDGER_WORDS: dict[str, dict[str, str]] = {
    "relationship": {code: word for word, code in RELATIONSHIPS.items()},
    "poverty_attribute": {code: word for word, code in POVERTY_ATTRIBUTES.items() if word != "五保贫困户"},
    "poverty_status": {code: word for word, code in POVERTY_STATUSES.items()},
    "poverty_cause": {code: word for word, code in POVERTY_CAUSES.items()},
    "labour_capacity": {code: word for word, code in LABOUR_CAPACITIES.items()},
    "health": {code: word for word, code in HEALTH.items()},
}

COLUMNS = [
    Column("户编号", "household_number"),
    Column("姓名", "name"),
    Column("身份证号", "id_number", text=True),
    Column("与户主关系", "relationship"),
    Column("乡镇", "township"),
    Column("行政村", "village"),
    Column("家庭人口数", "household_size", required=False),
    Column("贫困户属性", "poverty_attribute"),
    Column("脱贫状态", "poverty_status"),
    Column("脱贫年度", "exit_year", required=False),
    Column("主要致贫原因", "poverty_cause", required=False),
    Column("劳动能力", "labour_capacity", required=False),
    Column("健康状况", "health", required=False),
]
HEADERS = {column.key: column.header for column in COLUMNS}
KEYS = tuple(HEADERS)
REQUIRED_KEYS = frozenset(column.key for column in COLUMNS if column.required)
HEADER_CELL = "身份证号"

MAX_ROWS = 1_048_576  # Excel's own limit
MAX_UNCOMPRESSED = 2 * 1024**3  # a million-row sheet is ~0.5 GB of XML; the ratio check stops bombs
# The shared-string table, which the reader keeps in memory: a million people's names and ID
# numbers are ~70 MB of it.
MAX_PART = 128 * 1024**2
FIRST_EXIT_YEAR = 2013  # 精准扶贫 began with the 2014 registration; older exits are typing errors

JOB_KIND = LEDGER_IMPORT_JOB
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_JSON_ROWS = 50_000  # larger ledgers come as a file


Progress = Callable[[int], None]


@dataclass(frozen=True)
class LedgerError:
    """One error: a row and column of the file (or neither, for the file as a whole)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"column {self.column}: {self.message}" if self.column else self.message
        return f"row {self.row}, column {self.column}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    succeeded: bool
    dry_run: bool
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[LedgerError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed}

    def error_dicts(self) -> list[dict[str, Any]]:
        listed = [error.as_dict() for error in self.errors]
        if self.errors_not_listed:
            listed.append(LedgerError(None, None, _more_errors(self.errors_not_listed)).as_dict())
        return listed


def _more_errors(count: int) -> str:
    return _("%(count)d further errors are not listed; correct the errors above and import again.") % {"count": count}


@dataclass(slots=True)
class LedgerRow:
    row: int
    id_number: str
    name: str
    household_number: str
    relationship: str
    township_id: int
    village_name: str
    household_size: int | None
    poverty_attribute: str
    poverty_status: str
    exit_year: int | None
    poverty_cause: str
    labour_capacity: str
    health: str

"""The shared xlsx reader (sunwu_relief/xlsx.py) is the only way an import reads a sheet."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["assessments", "audits", "benefits", "households", "sunwu_relief"]
READER = ROOT / "sunwu_relief" / "xlsx.py"


def test_no_module_but_the_shared_reader_opens_a_workbook_to_read_it():
    opening = re.compile(r"\bload_workbook\b|\bExcelReader\b|\biter_rows\b")
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path != READER and "migrations" not in path.parts and opening.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

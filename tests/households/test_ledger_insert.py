"""The new records of a ledger import are written as they were read, on either database
(households/services/ledger_insert.py: COPY on PostgreSQL, multi-row INSERTs elsewhere)."""

import pytest

from households.ledger import ledger_import_rows, ledger_import_xlsx
from households.models import LedgerRecord
from sunwu_relief.authz import system
from tests.conftest import new_id_number
from tests.ledger_builders import ledger_row, ledger_xlsx

pytestmark = pytest.mark.django_db


def test_text_that_looks_like_copy_syntax_is_stored_as_it_was_given(township_sunwu):
    rows = [
        ledger_row(name="王\\五", household_number="\\N"),
        ledger_row(name="\\N", household_number="a\\tb"),
        ledger_row(name="李四", household_number="H-1", village="某\\村", exit_year=None, poverty_cause=None),
    ]
    result = ledger_import_rows(rows, actor=system("test"))
    assert result.succeeded, [str(e) for e in result.errors]
    stored = {
        r.id_number: (r.name, r.household_number, r.village.name, r.exit_year, r.poverty_cause, r.removed, r.removed_at)
        for r in LedgerRecord.objects.select_related("village")
    }
    assert stored == {
        rows[0]["id_number"]: ("王\\五", "\\N", "三屯村", None, "illness", False, None),
        rows[1]["id_number"]: ("\\N", "a\\tb", "三屯村", None, "illness", False, None),
        rows[2]["id_number"]: ("李四", "H-1", "某\\村", None, "", False, None),
    }
    record = LedgerRecord.objects.get(id_number=rows[0]["id_number"])
    assert record.created == record.updated
    assert record.last_import
    assert record.source_row == 1


def test_more_new_records_than_one_batch_are_all_written(township_sunwu):
    # Born on one of 10 days: 499 fresh numbers per day.
    rows = [
        ledger_row(household_number=f"H-{n}", id_number=new_id_number(born=f"196210{10 + n % 10}")) for n in range(2500)
    ]
    data = ledger_xlsx(rows)
    result = ledger_import_xlsx(data, actor=system("test"))
    assert result.succeeded, [str(e) for e in result.errors[:3]]
    assert result.created == 2500
    assert sorted(LedgerRecord.objects.values_list("source_row", flat=True)) == list(range(4, 2504))

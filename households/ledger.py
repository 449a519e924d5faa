"""The poverty office's registered-poor ledger 建档立卡 (docs/interfaces.md §6).

The import lives in `households.services` (`ledger_format`, `ledger_rows`, `ledger_import`,
`ledger_jobs`); the reads in `households.selectors`. This module only re-exports the names that
other apps, the benchmarks and the tests import from here."""

from .selectors import ledger_import_jobs
from .services.ledger_format import (
    COLUMNS,
    HEADERS,
    JOB_KIND,
    LEDGER_WORDS,
    MAX_FILE_BYTES,
    MAX_JSON_ROWS,
    ImportResult,
    LedgerError,
)
from .services.ledger_import import ledger_import_rows, ledger_import_xlsx, register_after_import
from .services.ledger_jobs import ledger_import_job_run, ledger_import_submit, ledger_imports_requeue_stuck

__all__ = [
    "COLUMNS",
    "HEADERS",
    "JOB_KIND",
    "LEDGER_WORDS",
    "MAX_FILE_BYTES",
    "MAX_JSON_ROWS",
    "ImportResult",
    "LedgerError",
    "ledger_import_job_run",
    "ledger_import_jobs",
    "ledger_import_rows",
    "ledger_import_submit",
    "ledger_import_xlsx",
    "ledger_imports_requeue_stuck",
    "register_after_import",
]

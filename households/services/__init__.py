"""Every write of the households app, one module per topic; the public names are importable from
`households.services` (`from households import services; services.member_add(...)`)."""

from .classification import household_classify, register_thresholds_provider, thresholds_on
from .county import (
    COUNTY_SETTINGS_FIELDS,
    TOWNSHIP_CONTACT_FIELDS,
    county_settings_save,
    township_contact_save,
    village_confirm,
)
from .initials import members_refresh_initials
from .ledger_flags import member_ledger_flags_refresh
from .ledger_format import (
    COLUMNS,
    HEADERS,
    JOB_KIND,
    LEDGER_WORDS,
    MAX_FILE_BYTES,
    MAX_JSON_ROWS,
    ImportResult,
    LedgerError,
)
from .ledger_import import ledger_import_rows, ledger_import_xlsx, register_after_import
from .ledger_jobs import (
    STUCK_AFTER,
    ledger_import_file,
    ledger_import_job_run,
    ledger_import_submit,
    ledger_imports_requeue_stuck,
)
from .registry import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    REGISTRY_EDITORS,
    MemberData,
    household_create,
    household_update,
    member_add,
    member_move,
    member_remove,
    member_removed,
    member_update,
    require_registry_editor,
)

__all__ = [
    "COLUMNS",
    "COUNTY_SETTINGS_FIELDS",
    "HEADERS",
    "HOUSEHOLD_FIELDS",
    "JOB_KIND",
    "LEDGER_WORDS",
    "MAX_FILE_BYTES",
    "MAX_JSON_ROWS",
    "MEMBER_FIELDS",
    "STUCK_AFTER",
    "TOWNSHIP_CONTACT_FIELDS",
    "ImportResult",
    "LedgerError",
    "MemberData",
    "county_settings_save",
    "require_registry_editor",
    "REGISTRY_EDITORS",
    "household_classify",
    "household_create",
    "household_update",
    "ledger_import_file",
    "ledger_import_job_run",
    "ledger_import_rows",
    "ledger_import_submit",
    "ledger_import_xlsx",
    "ledger_imports_requeue_stuck",
    "member_add",
    "member_ledger_flags_refresh",
    "member_move",
    "member_remove",
    "member_removed",
    "member_update",
    "members_refresh_initials",
    "register_after_import",
    "register_thresholds_provider",
    "thresholds_on",
    "township_contact_save",
    "village_confirm",
]

"""REST API of the households app (docs/interfaces.md §5): households, and ledger imports (§6)."""

from .households import HouseholdDetailApi, HouseholdListApi
from .ledger import FORBIDDEN, NOT_FOUND, UNAUTHORISED, LedgerImportCreateApi, LedgerImportDetailApi

__all__ = [
    "FORBIDDEN",
    "NOT_FOUND",
    "UNAUTHORISED",
    "HouseholdDetailApi",
    "HouseholdListApi",
    "LedgerImportCreateApi",
    "LedgerImportDetailApi",
]

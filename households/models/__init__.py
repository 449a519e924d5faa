"""Townships, villages, households and their members; the poverty office's ledger records.

One module per topic; every model and choice is importable from `households.models`."""

from .ledger import (
    LEDGER_IMPORT_JOB,
    HealthStatus,
    LedgerRecord,
    PovertyAttribute,
    PovertyCause,
    PovertyStatus,
)
from .places import TELEPHONE_VALIDATOR, CountySettings, Township, Village, is_example_telephone
from .registry import (
    Classification,
    CurrentMemberManager,
    DisabilityKind,
    Household,
    LabourCapacity,
    Member,
    MemberMove,
    Relationship,
    RemovalReason,
    Sex,
)

__all__ = [
    "LEDGER_IMPORT_JOB",
    "TELEPHONE_VALIDATOR",
    "Classification",
    "CountySettings",
    "CurrentMemberManager",
    "DisabilityKind",
    "HealthStatus",
    "Household",
    "LabourCapacity",
    "LedgerRecord",
    "Member",
    "MemberMove",
    "PovertyAttribute",
    "PovertyCause",
    "PovertyStatus",
    "Relationship",
    "RemovalReason",
    "Sex",
    "Township",
    "Village",
    "is_example_telephone",
]

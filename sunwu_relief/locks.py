"""Advisory locks: one helper and one registry of keys, so two jobs never share a key by accident.

`advisory_lock(LockKey.LEDGER_IMPORT)` inside a transaction makes a second caller wait until the
first commits (PostgreSQL `pg_advisory_xact_lock`). SQLite needs nothing: its write transactions
begin IMMEDIATE (settings), so writers already run one at a time.
"""

import enum

from django.db import connection


class LockKey(enum.IntEnum):
    """Every advisory-lock key in the system. Values are fixed: a running old worker and a new one
    must agree on them, so add new keys, never renumber."""

    RECONCILIATION = 0x5357_4C44  # "SWLD": one reconciliation at a time
    LEDGER_IMPORT = 0x5357_4C49  # "SWLI": one ledger import at a time
    SPOT_CHECK_DRAW = 231124_0001  # one spot-check draw at a time
    PAYMENT_BATCH = 0x5357_5042  # "SWPB": one batch preparation per programme and month at a time
    INTEGRITY_CHECKS = 0x5357_4943  # "SWIC": one run of the integrity checks at a time


def advisory_lock(key: LockKey, sub_key: int = 0) -> None:
    """Take the transaction-scoped lock `key` (and `sub_key`, for one lock per object: a batch's
    month). Must be called inside `transaction.atomic()`; released at commit or rollback."""
    if not isinstance(key, LockKey):
        raise TypeError("advisory_lock takes a LockKey")
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_lock needs a transaction")
    with connection.cursor() as cursor:
        if sub_key:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [int(key) & 0x7FFF_FFFF, sub_key])
        else:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key)])

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
    PAYMENT_BATCH_START = 0x5357_5053  # "SWPS": one request for a month's batch preparation at a time
    JOB_CLAIM = 0x5357_4A43  # "SWJC": held by the worker running a job, for as long as it runs (session lock)
    DEPARTMENT_IMPORT = 0x5357_4449  # "SWDI": one import of a department's data at a time, per source
    BANK_RESULTS = 0x5357_4252  # "SWBR": one import of a bank's result file at a time


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


# This session's own advisory lock of two keys (pg_locks shows the pair as classid, objid; objsubid 2).
_HELD_HERE = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    " AND classid = %s AND objid = %s AND objsubid = 2 AND granted)"
)


def _pair(key: "LockKey", sub_key: int) -> list[int]:
    return [int(key) & 0x7FFF_FFFF, int(sub_key)]


def session_lock_try(key: LockKey, sub_key: int) -> bool | None:
    """Try the session-scoped lock `key`/`sub_key` (PostgreSQL `pg_try_advisory_lock`): held until
    `session_unlock` or until this database session ends, also when the process holding it is
    killed, which is what it is for (a job's claim outlives no worker). True when taken now, False
    when another session holds it, None when this session holds it already (or on SQLite, which
    has no such locks: None means "cannot tell")."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_HELD_HERE, _pair(key, sub_key))
        if cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _pair(key, sub_key))
        return bool(cursor.fetchone()[0])


def session_unlock(key: LockKey, sub_key: int) -> None:
    """Release a lock this session took with `session_lock_try` (nothing if it holds none)."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return  # no session: its locks ended with it
    with connection.cursor() as cursor:
        cursor.execute(_HELD_HERE, _pair(key, sub_key))
        if cursor.fetchone()[0]:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _pair(key, sub_key))

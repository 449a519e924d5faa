"""Reads of reports and lists from a read replica, when there is one (README, "Province deployment").

With `DATABASE_REPLICA_URL` set, the database alias `replica` is a PostgreSQL standby of `default`.
What reads there: the code inside `replica_reads()` — the monthly statistics report (page, xlsx,
API), the lists' xlsx downloads (`exports.ListExport`) and the API's read-only list endpoints —
and only its reads outside a transaction. Every write, and everything in a transaction (a service's
`atomic`, a lock, a `select_for_update`), stays on `default`: a replica lags a little, and what a
request has just written must be read where it was written. Without the setting there is no
`replica` alias and everything is `default`, as before.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may go to the replica (when there is one and no transaction is open). Also a
    decorator of a view or a method: `@replica_reads()`."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def replica_wanted() -> bool:
    return _wanted.get()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """`settings.DATABASE_ROUTERS`: the replica for `replica_reads()` outside a transaction, else `default`."""

    def db_for_read(self, model, **hints) -> str | None:
        if not (replica_wanted() and replica_configured()):
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction reads what it writes, where it writes
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two servers

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db != REPLICA  # a standby is migrated by replication

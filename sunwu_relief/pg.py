"""PostgreSQL session settings for one statement.

`without_jit(model)`: the aggregates of a report over a county (tens of thousands of decisions)
cost PostgreSQL more than its default `jit_above_cost`, and compiling them (measured 40–100 ms
for the monthly statistics' aggregate) took longer than it saved
on a statement of 150–200 ms. Turned off for the transaction only (`SET LOCAL`), on the database
the model is read from (the replica, when reports read there); elsewhere nothing to do.
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction


@contextmanager
def without_jit(model):
    alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield

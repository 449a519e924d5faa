"""The embedded SQLite under two requests at once: each transaction reads, then writes (as our
services do; `select_for_update` is a no-op there). In SQLite's default deferred mode both take
the read lock, neither can upgrade, and one fails at once with "database is locked" — a 500. With
the settings' `transaction_mode="IMMEDIATE"` the second waits for the first and both succeed."""

import threading

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.utils import OperationalError


def _wrapper(path, alias: str) -> DatabaseWrapper:
    config = {
        **settings.DATABASES["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
        "TEST": {},
    }
    for key, value in (("ATOMIC_REQUESTS", False), ("AUTOCOMMIT", True), ("CONN_MAX_AGE", 0)):
        config.setdefault(key, value)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("TIME_ZONE", None)
    return DatabaseWrapper(config, alias=alias)


def test_the_embedded_database_begins_transactions_immediately():
    assert settings.SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"


def test_two_read_then_write_transactions_at_once_both_succeed(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        _race(tmp_path)


def _race(tmp_path) -> None:
    path = tmp_path / "race.sqlite3"
    setup = _wrapper(path, "race_setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)")
        cursor.execute("INSERT INTO counter VALUES (1, 0)")
    setup.close()

    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def post(index: int) -> None:
        connection = _wrapper(path, f"race_{index}")
        try:
            with _atomic(connection):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT value FROM counter WHERE id = 1")
                    (value,) = cursor.fetchone()
                    try:
                        barrier.wait(timeout=1)
                    except threading.BrokenBarrierError:
                        pass  # immediate mode: the other thread waits for our lock, as it should
                    cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
        except OperationalError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    check = _wrapper(path, "race_check")
    with check.cursor() as cursor:
        cursor.execute("SELECT value FROM counter WHERE id = 1")
        assert cursor.fetchone() == (2,)  # serialised: no lost update either
    check.close()


class _atomic:
    """BEGIN … COMMIT on a connection that is not registered in `django.db.connections`."""

    def __init__(self, connection: DatabaseWrapper) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        # What transaction.atomic does on SQLite: BEGIN in the settings' transaction mode.
        self.connection.ensure_connection()
        self.connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.connection.commit()
        else:
            self.connection.rollback()
        self.connection.set_autocommit(True)

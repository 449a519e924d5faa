"""Set-based writes without a model instance per row: a multi-row INSERT of prepared values, a
COPY of many new rows on PostgreSQL, and the `id IN (…)` of a raw statement over many ids.

For thousands of rows, Django's bulk_create spends more time building an instance per row and
preparing each of its fields than the database spends inserting them. The rows here are tuples of
values already in their database form (ints, strings, booleans, None, dates and datetimes, which
the driver adapts; `json_value` for a JSON column). No signals, as with bulk_create.
"""

import datetime
import io
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple], *, returning: bool = False
) -> list[int] | int:
    """Insert `rows` (each a tuple of the values of `fields`, in their database form) into the
    model's table, in one statement per batch of the backend's size (one on PostgreSQL, however
    many rows). The model's other fields (but its id) take their default, read once for all the
    rows (one time for a `timezone.now` default). Returns how many rows were inserted, or with
    `returning` their ids in the order of `rows`."""
    if not rows:
        return [] if returning else 0
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    others = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in others]
    columns = [*given, *others]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, connection.ops.bulk_batch_size(columns, rows))
    tail = f" RETURNING {quote(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES {', '.join([one] * len(batch))}{tail}",  # noqa: S608
                [value for row in batch for value in (*row, *defaults)],
            )
            if returning:
                ids += [pk for (pk,) in cursor.fetchall()]
    return ids if returning else len(rows)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: object) -> str:
    """One value in COPY's text format (NULL is \\N; the separators escaped)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # integers and decimals


def copy_lines(sql: str, lines: str) -> None:
    """PostgreSQL: `lines` (COPY's text format) in one COPY (a third of the time of a multi-row INSERT)."""
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, io.StringIO(lines))


def copy_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[tuple]) -> int:
    """Insert many new `rows` (tuples of plain values of the fields `names`: str, int, Decimal,
    bool, None, dates, and dicts or lists for JSON fields): one COPY on PostgreSQL (a third of the
    time of a multi-row INSERT), `insert_rows` of the prepared values elsewhere."""
    if not rows:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        lines = "".join("\t".join(map(copy_text, row)) + "\n" for row in rows)
        copy_lines(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", lines)
        return len(rows)
    prepared = [
        tuple(field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True))
        for row in rows
    ]
    return insert_rows(model, names, prepared)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Set `fields` of many rows, each a tuple (pk, *values of `fields`, in their database form):
    on PostgreSQL one `UPDATE … FROM (VALUES …)` per 1,000 rows (Django's bulk_update builds a CASE
    per field and row, seconds for thousands of them); elsewhere one UPDATE per row."""
    if not rows:
        return 0
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    if connection.vendor != "postgresql":  # the tests' SQLite: one statement per row
        sets = ", ".join(f"{quote(field.column)} = %s" for field in given)
        with connection.cursor() as cursor:
            for pk, *values in rows:
                cursor.execute(
                    f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s",  # noqa: S608
                    [*values, pk],
                )
        return len(rows)
    pk_column = quote(meta.pk.column)
    names = ["pk", *(f"v{i}" for i in range(len(given)))]
    sets = ", ".join(
        f"{quote(field.column)} = CAST(v.{name} AS {field.db_type(connection)})"
        for field, name in zip(given, names[1:], strict=True)
    )
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} SET {sets} FROM (VALUES {', '.join([one] * len(batch))})"  # noqa: S608
                f" AS v({', '.join(names)}) WHERE {quote(meta.db_table)}.{pk_column} = v.pk",
                [value for row in batch for value in row],
            )
    return len(rows)


def json_value(value) -> str:
    """A JSON column's value as `insert_rows` takes it (what JSONField stores: json.dumps)."""
    return json.dumps(value)


def json_param() -> str:
    """The placeholder of a JSON value (`json_value`) in a raw statement's select list."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def in_ids(column: str, ids: Iterable[int]) -> tuple[str, list]:
    """`column IN (ids)` of a raw statement, and its parameters: one array on PostgreSQL (however
    many ids), one placeholder each elsewhere."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids

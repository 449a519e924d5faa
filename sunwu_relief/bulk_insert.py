"""Many new rows in one statement: COPY on PostgreSQL, multi-row INSERTs elsewhere.

For the jobs that write thousands of rows at once (a ledger import's new records, a month's payment
items): Django's bulk_create builds a model instance per row and prepares each of its fields, which
cost more than the database's insert. The rows here are tuples of plain values (str, int, Decimal,
bool, None, dates, and dicts or lists for JSON fields); no signals, as with bulk_create.
"""

import datetime
import io
import json
from collections.abc import Sequence

from django.db import connection

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


def insert_rows(model, names: Sequence[str], rows: Sequence[tuple]) -> int:
    """Insert `rows` (each a tuple of the values of the fields `names`) into `model`'s table."""
    if not rows:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    if connection.vendor == "postgresql":
        lines = "".join("\t".join(map(copy_text, row)) + "\n" for row in rows)
        copy_lines(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", lines)
        return len(rows)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(1000, connection.ops.bulk_batch_size(fields, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [
                field.get_db_prep_save(value, connection)
                for row in batch
                for field, value in zip(fields, row, strict=True)
            ]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one] * len(batch))}", params
            )
    return len(rows)

"""Query expressions Django does not offer publicly."""

from django.db import connection
from django.db.models import BooleanField, Expression, F
from django.db.models.expressions import RawSQL


class RowAfter(Expression):
    """`(a, b, c) > (x, y, z)`: the row `left` comes after the row `right` in lexicographic order
    (row-value comparison: PostgreSQL, and SQLite from 3.15). Each side a list of expressions, of
    the same length; usable in `filter()` and with `OuterRef` (a correlated "is there a later one")."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, left: list, right: list) -> None:
        if not left or len(left) != len(right):
            raise ValueError("RowAfter compares two rows of the same length")
        super().__init__()
        self.left, self.right = list(left), list(right)

    def get_source_expressions(self) -> list:
        return [*self.left, *self.right]

    def set_source_expressions(self, exprs: list) -> None:
        half = len(exprs) // 2
        self.left, self.right = list(exprs[:half]), list(exprs[half:])

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.is_summary = summarize
        clone.set_source_expressions(
            [
                expr.resolve_expression(query, allow_joins, reuse, summarize, for_save)
                for expr in (clone._parse(e) for e in self.get_source_expressions())
            ]
        )
        return clone

    @staticmethod
    def _parse(value):
        return F(value) if isinstance(value, str) else value

    def as_sql(self, compiler, connection):
        sides, params = [], []
        for row in (self.left, self.right):
            parts = []
            for expr in row:
                sql, part_params = compiler.compile(expr)
                parts.append(sql)
                params.extend(part_params)
            sides.append(f"({', '.join(parts)})")
        return f"{sides[0]} > {sides[1]}", params


def among(values: list, db_type: str) -> list | RawSQL:
    """The right-hand side of `field__in=` for a long list of values (a bulk look-up's 1,000 ID
    numbers): on PostgreSQL one array parameter, unnested, which the planner joins over the
    column's index (for a list of 1,000 literals it estimates a scan of the whole table cheaper,
    at ten times the time); elsewhere the list itself. `db_type`: the column's SQL type."""
    values = list(values)
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{db_type}[])", (values,))
    return values

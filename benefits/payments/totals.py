"""Totals of the payments (reads): per township of a batch, and per township and programme of a
month across its batches. Counted by the database (one query each), never item by item."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum

from ..models import ItemKind, PaymentBatch, PaymentItem, Programme

REGULAR = Q(kind=ItemKind.REGULAR)
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    """A database sum as yuan to the fen (SQLite's sums lose the decimal places)."""
    return Decimal(value or 0).quantize(CENT)


@dataclass(frozen=True)
class TownshipTotal:
    """Households and persons of the regular items; the amount of all items (arrears and
    recoveries included)."""

    township: str
    households: int
    persons: int
    total: Decimal


def _per_township(items) -> list[dict]:
    return list(
        items.values("township_name")
        .annotate(
            households=Count("household", distinct=True, filter=REGULAR),
            persons=Sum("covered", filter=REGULAR),
            total=Sum("amount"),
            first=Min("seq"),
        )
        .order_by("first")
    )


def batch_totals(batch: PaymentBatch) -> list[TownshipTotal]:
    """Per township, in the batch's order (the roll's: by township)."""
    return [
        TownshipTotal(row["township_name"], row["households"], row["persons"] or 0, _money(row["total"]))
        for row in _per_township(batch.items.all())
    ]


@dataclass
class MonthTotals:
    """A month's payments per township (rows) and programme (columns), with the totals of each."""

    month: datetime.date
    programmes: list[tuple[str, str]]  # (code, label) of the programmes that have a batch
    rows: list[tuple[str, dict[str, TownshipTotal]]] = field(default_factory=list)
    by_programme: dict[str, TownshipTotal] = field(default_factory=dict)
    total: Decimal = CENT * 0

    def cells(self):
        """Per row: the township and its cell of each programme, in `programmes` order."""
        return [(name, [cells.get(code) for code, _label in self.programmes]) for name, cells in self.rows]

    def programme_cells(self):
        return [self.by_programme.get(code) for code, _label in self.programmes]


def month_totals(batches, *, month: datetime.date) -> MonthTotals:
    """The totals of the month's batches among `batches` (a user's scoped batches)."""
    month = month.replace(day=1)
    of_month = batches.filter(month=month)
    codes = set(of_month.values_list("programme", flat=True))
    programmes = [(p.value, p.label) for p in Programme if p.value in codes]
    result = MonthTotals(month=month, programmes=programmes)
    rows = (
        PaymentItem.objects.filter(batch__in=of_month)
        .values("township_id", "township_name", "batch__programme")
        .annotate(
            households=Count("household", distinct=True, filter=REGULAR),
            persons=Sum("covered", filter=REGULAR),
            total=Sum("amount"),
        )
        .order_by("township_id", "batch__programme")
    )
    townships: dict[int, tuple[str, dict[str, TownshipTotal]]] = {}
    for row in rows:
        cell = TownshipTotal(row["township_name"], row["households"], row["persons"] or 0, _money(row["total"]))
        townships.setdefault(row["township_id"], (row["township_name"], {}))[1][row["batch__programme"]] = cell
        code = row["batch__programme"]
        seen = result.by_programme.get(code)
        result.by_programme[code] = TownshipTotal(
            "",
            (seen.households if seen else 0) + cell.households,
            (seen.persons if seen else 0) + cell.persons,
            (seen.total if seen else Decimal("0")) + cell.total,
        )
        result.total += cell.total
    result.rows = [townships[key] for key in sorted(townships)]
    return result

"""The sums the monthly report and its trend are made of, for any run of months in a fixed number
of queries: the spans of the 低保 and 特困 decisions in force, and the grants and claims by month.

A decision is in force from its effective month up to the next decision's (`decision_spans`, the
rule of `decisions_in_force` for every month at once); the database sums the covered spans by
township, programme, classification and span, and a month's figures are the sums of the spans
covering it — one window over a county's 36,000 decisions, not one anti-join a month.
"""

import datetime
from collections import defaultdict
from decimal import Context, Decimal
from typing import NamedTuple

from django.db import connections
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from sunwu_relief import clock
from sunwu_relief.pg import without_jit

from ..carehomes.models import Placement, SupportMode
from ..models import COVERED_STATUSES, BenefitChange, Programme
from ..states import decision_spans

ZERO = Decimal("0.00")
SPAN_COLUMNS = ["programme", "township", "classification", "since", "next_month"]
SUMMED_COLUMNS = ["persons", "new_amount", "centralised"]


class Span(NamedTuple):
    """The covered decisions of one programme, township and classification in force from `since`
    up to, not including, `until` (None: to the end of the months asked for)."""

    programme: str
    township_id: int
    classification: str
    since: datetime.date
    until: datetime.date | None
    households: int
    persons: int
    amount: Decimal
    centralised: int  # of 特困, the persons in a care home at the end of the last month asked for

    def covers(self, month: datetime.date) -> bool:
        return self.since <= month and (self.until is None or month < self.until)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def _centralised(month: datetime.date) -> Exists:
    """The benefit covers a member placed in a care home (centralised support) on the month's last
    day (today for the current month); everyone else of 特困 is supported at home (dispersed)."""
    _start, after = month_bounds(month)
    day = min(after - datetime.timedelta(days=1), clock.today())
    return Exists(
        Placement.objects.filter(
            mode=SupportMode.CENTRALISED,
            start_on__lte=day,
            member__benefits_covering=OuterRef("benefit_id"),
        ).filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
    )


def paid_spans(first: datetime.date, last: datetime.date, township_ids: list[int]) -> list[Span]:
    """The spans of the 低保 and 特困 decisions in a covered status in force in some month from
    `first` to `last` of the benefits started by then (the roll's rule), each at the earliest from
    `first` (so that one month asked for gives spans that all cover it)."""
    benefits = Q(
        benefit__programme__in=[Programme.DIBAO, Programme.TEKUN],
        benefit__start_month__lte=last,
        benefit__township_id__in=township_ids,
    )
    in_care_home = Q(benefit__programme=Programme.TEKUN) & _centralised(last)
    spans = (
        decision_spans(benefits, until=last)
        .annotate(
            programme=F("benefit__programme"),
            township=F("benefit__township_id"),
            classification=F("benefit__classification"),
            since=Greatest("effective_month", "benefit__start_month", Value(first)),
            persons=F("benefit__covered_count"),
            centralised=Case(When(in_care_home, then=F("benefit__covered_count")), default=Value(0)),
        )
        .values_list(*SPAN_COLUMNS, *SUMMED_COLUMNS, "new_status")
    )
    connection = connections[spans.db]
    inner, params = spans.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    groups = ", ".join(quote(name) for name in SPAN_COLUMNS)
    sums = ", ".join(f"SUM({quote(name)})" for name in SUMMED_COLUMNS)
    until = quote("next_month")
    sql = (
        f"SELECT {groups}, COUNT(*), {sums} FROM ({inner}) spans"  # noqa: S608 (the ORM's SQL, parameters)
        f" WHERE {quote('new_status')} IN (%s, %s) AND ({until} IS NULL OR {until} > %s) GROUP BY {groups}"
    )
    # On PostgreSQL: see sunwu_relief.pg (a province's decisions cost more than jit_above_cost).
    with without_jit(BenefitChange), connection.cursor() as cursor:
        cursor.execute(sql, [*params, *sorted(COVERED_STATUSES), first.isoformat()])
        rows = cursor.fetchall()
    return [
        Span(
            programme,
            township,
            classification,
            _date(since),
            None if until is None else _date(until),
            households,
            persons,
            _money(amount),
            centralised,
        )
        for programme, township, classification, since, until, households, persons, amount, centralised in rows
    ]


def by_township_and_month(records, moment: str, amount: str) -> dict[tuple[int, datetime.date], tuple[int, Decimal]]:
    """{(township id, month): (how many, their total `amount`)} of `records`, by the local day of
    `moment` (the day the one-month report counts by), added up by month."""
    rows = (
        records.values_list("township_id", f"{moment}__date")
        .annotate(count=Count("id"), total=Coalesce(Sum(amount), ZERO))
        .order_by()
        .values_list("township_id", f"{moment}__date", "count", "total")
    )
    sums: dict[tuple[int, datetime.date], list] = defaultdict(lambda: [0, ZERO])
    for township_id, day, count, total in rows:
        entry = sums[(township_id, day.replace(day=1))]
        entry[0] += count
        entry[1] += total
    return {key: (count, total) for key, (count, total) in sums.items()}


def _date(value) -> datetime.date:
    """A date as a raw cursor gives it (SQLite: its ISO text)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _money(value) -> Decimal:
    """A sum of amounts as a raw cursor gives it (SQLite: a float, as Django's own converter reads
    it), to the cent."""
    if isinstance(value, float):
        value = Context(prec=15).create_decimal_from_float(value)
    return Decimal(value).quantize(ZERO)

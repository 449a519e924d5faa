"""The monthly report's figures, read from the decisions in force (never from today's statuses).

低保 and 特困 come from the roll of the month: the decisions in force that month of the benefits
started by then, in a covered status (`benefits.states.decisions_in_force`, the one rule that every
channel uses for a month's amount, summed by the database), so a past month gives the same figures
whenever it is asked for. Temporary assistance counts the grants decided in the month, medical assistance the claims
recorded in the month with aid above zero: both are append-only records with their own date.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Context, Decimal

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from households.models import Classification, Township
from households.selectors import townships_for
from sunwu_relief import clock
from sunwu_relief.pg import without_jit

from ..carehomes.models import Placement, SupportMode
from ..medical.models import MedicalClaim
from ..models import COVERED_STATUSES, Benefit, BenefitChange, Programme
from ..states import decision_spans, decisions_in_force
from ..temporary.models import TemporaryCase, TemporaryStatus

ZERO = Decimal("0.00")


@dataclass
class StatisticsRow:
    """One township's figures of a month (or the county's: `township` empty)."""

    township: str
    dibao_households: int = 0
    dibao_persons: int = 0
    dibao_key: int = 0
    dibao_long_term: int = 0
    dibao_general: int = 0
    dibao_amount: Decimal = ZERO
    tekun_persons: int = 0
    tekun_centralised: int = 0
    tekun_dispersed: int = 0
    tekun_amount: Decimal = ZERO
    temporary_count: int = 0
    temporary_amount: Decimal = ZERO
    medical_count: int = 0
    medical_amount: Decimal = ZERO

    def add(self, other: "StatisticsRow") -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


FIGURES = [f.name for f in fields(StatisticsRow) if f.name != "township"]


@dataclass
class MonthlyReport:
    month: datetime.date
    rows: list[StatisticsRow]
    total: StatisticsRow = field(default_factory=lambda: StatisticsRow(township=""))


def _centralised(month: datetime.date) -> Exists:
    """The benefit covers a member placed in a care home (centralised support) on the month's last
    day (today for the current month); everyone else of 特困 is supported at home (dispersed)."""
    _start, after = _month_bounds(month)
    day = min(after - datetime.timedelta(days=1), clock.today())
    return Exists(
        Placement.objects.filter(
            mode=SupportMode.CENTRALISED,
            start_on__lte=day,
            member__benefits_covering=OuterRef("benefit_id"),
        ).filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
    )


def _paid_in_month(month: datetime.date, township_ids: list[int]):
    """The decisions in force in `month` of the 低保 and 特困 benefits the month's roll pays (the
    roll's rule: started by then, a covered status), for the database to aggregate by programme
    and township in one pass."""
    benefits = Benefit.objects.filter(
        programme__in=[Programme.DIBAO, Programme.TEKUN], start_month__lte=month, township_id__in=township_ids
    )
    return (
        decisions_in_force(benefits, month=month)
        .filter(new_status__in=COVERED_STATUSES)
        .values("benefit__programme", "benefit__township_id")
        .order_by()
    )


def _month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def monthly_report(*, month: datetime.date, townships: Iterable[Township]) -> MonthlyReport:
    """The report of `month` for `townships` (already scoped to the user), ordered by code."""
    month = month.replace(day=1)
    townships = sorted(townships, key=lambda t: t.code)
    ids = [t.pk for t in townships]
    rows = {t.pk: StatisticsRow(township=t.name) for t in townships}

    figures = _paid_in_month(month, ids).annotate(
        households=Count("id"),
        persons=Sum("benefit__covered_count"),
        amount=Sum("new_amount"),
        key=Count("id", filter=Q(benefit__classification=Classification.KEY)),
        long_term=Count("id", filter=Q(benefit__classification=Classification.LONG_TERM)),
        centralised=Coalesce(
            Sum("benefit__covered_count", filter=Q(benefit__programme=Programme.TEKUN) & _centralised(month)), 0
        ),
    )
    with without_jit(BenefitChange):
        figures = list(figures)
    for entry in figures:
        row = rows[entry["benefit__township_id"]]
        if entry["benefit__programme"] == Programme.DIBAO:
            row.dibao_households = entry["households"]
            row.dibao_persons = entry["persons"]
            row.dibao_amount = entry["amount"]
            row.dibao_key = entry["key"]
            row.dibao_long_term = entry["long_term"]
            row.dibao_general = entry["households"] - entry["key"] - entry["long_term"]
        else:
            row.tekun_persons = entry["persons"]
            row.tekun_amount = entry["amount"]
            row.tekun_centralised = entry["centralised"]
            row.tekun_dispersed = entry["persons"] - entry["centralised"]

    start, end = _month_bounds(month)
    temporary = (
        TemporaryCase.objects.filter(
            status=TemporaryStatus.GRANTED,
            township_id__in=ids,
            decided_at__date__gte=start,
            decided_at__date__lt=end,
        )
        .values("township_id")
        .annotate(count=Count("id"), amount=Coalesce(Sum("amount"), ZERO))
    )
    for entry in temporary:
        rows[entry["township_id"]].temporary_count = entry["count"]
        rows[entry["township_id"]].temporary_amount = entry["amount"]
    medical = (
        MedicalClaim.objects.filter(township_id__in=ids, aid__gt=0, created__date__gte=start, created__date__lt=end)
        .values("township_id")
        .annotate(count=Count("id"), amount=Coalesce(Sum("aid"), ZERO))
    )
    for entry in medical:
        rows[entry["township_id"]].medical_count = entry["count"]
        rows[entry["township_id"]].medical_amount = entry["amount"]

    report = MonthlyReport(month=month, rows=[rows[t.pk] for t in townships])
    for row in report.rows:
        report.total.add(row)
    return report


def row_counts(row: StatisticsRow) -> dict[str, object]:
    """A row as a job's counts keep it (JSON: the amounts as text, exact)."""
    figures = {name: getattr(row, name) for name in FIGURES}
    return {"township": row.township} | {
        name: str(value) if isinstance(value, Decimal) else value for name, value in figures.items()
    }


def row_from_counts(data: dict) -> StatisticsRow:
    """`row_counts` read back."""
    row = StatisticsRow(township=data["township"])
    for name in FIGURES:
        setattr(row, name, Decimal(data[name]) if isinstance(getattr(row, name), Decimal) else int(data[name]))
    return row


def report_of_job(counts: dict) -> MonthlyReport:
    """The report a split job (benefits.statistics.services) put together in its counts."""
    month = datetime.date.fromisoformat(f"{counts['month']}-01")
    rows = [row_from_counts(row) for row in counts["rows"]]
    return MonthlyReport(month=month, rows=rows, total=row_from_counts(counts["total"]))


def monthly_report_for(user, *, month: datetime.date, township: Township | None = None) -> MonthlyReport:
    """The report as `user` may see it: the county all townships, a township its own."""
    scope = townships_for(user)
    if township is not None:
        scope = scope.filter(pk=township.pk)
    return monthly_report(month=month, townships=list(scope))


def last_months(count: int, *, until: datetime.date | None = None) -> list[datetime.date]:
    """The `count` months up to and including `until`'s month (default: this month), oldest first."""
    month = (until or clock.today()).replace(day=1)
    months = []
    for _ in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


@dataclass
class TrendRow:
    """The totals of a month the trend shows: those of its `monthly_report(...).total`."""

    dibao_households: int = 0
    dibao_persons: int = 0
    dibao_amount: Decimal = ZERO
    tekun_persons: int = 0
    tekun_amount: Decimal = ZERO
    temporary_count: int = 0
    temporary_amount: Decimal = ZERO
    medical_count: int = 0
    medical_amount: Decimal = ZERO


TREND_FIGURES = [f.name for f in fields(TrendRow)]


def trend_totals(*, months: list[datetime.date], townships: Iterable[Township]) -> list[tuple[datetime.date, TrendRow]]:
    """The total of each of `months` (consecutive, oldest first) for `townships` (already scoped
    to the user), for the charts and the table behind them: the figures of each month's
    `monthly_report` in three queries whatever the number of months. 低保 and 特困 from the spans
    of the decisions (`decision_spans`, the rule of `decisions_in_force`), summed by the database
    per programme and span; the grants and claims of all the months by day."""
    months = [m.replace(day=1) for m in months]
    ids = [t.pk for t in townships]
    totals = {month: TrendRow() for month in months}
    first, after = months[0], _month_bounds(months[-1])[1]
    for programme, since, until, households, persons, amount in _paid_spans(first, months[-1], ids):
        for month in months:
            if since <= month and (until is None or month < until):
                row = totals[month]
                if programme == Programme.DIBAO:
                    row.dibao_households += households
                    row.dibao_persons += persons
                    row.dibao_amount += amount
                else:
                    row.tekun_persons += persons
                    row.tekun_amount += amount
    grants = TemporaryCase.objects.filter(
        status=TemporaryStatus.GRANTED, township_id__in=ids, decided_at__date__gte=first, decided_at__date__lt=after
    )
    for day, count, amount in _by_day(grants, "decided_at", "amount"):
        totals[day.replace(day=1)].temporary_count += count
        totals[day.replace(day=1)].temporary_amount += amount
    claims = MedicalClaim.objects.filter(
        township_id__in=ids, aid__gt=0, created__date__gte=first, created__date__lt=after
    )
    for day, count, amount in _by_day(claims, "created", "aid"):
        totals[day.replace(day=1)].medical_count += count
        totals[day.replace(day=1)].medical_amount += amount
    return list(totals.items())


def _by_day(records, moment: str, amount: str):
    """(local day, how many, their total `amount`) of `records` by the day of `moment`."""
    return (
        records.values_list(f"{moment}__date")
        .annotate(count=Count("id"), amount=Coalesce(Sum(amount), ZERO))
        .order_by()
        .values_list(f"{moment}__date", "count", "amount")
    )


def _paid_spans(first: datetime.date, last: datetime.date, township_ids: list[int]):
    """(programme, first month, month it ends or None, households, persons, amount) of the 低保 and
    特困 decisions in a covered status in force in some month from `first` to `last`, grouped by
    programme and span: a month's figures are the sum of the spans covering it. A span starts with
    the decision or the benefit's start month (the roll's rule: started by then), at the earliest
    in `first`; it ends with the next decision's month."""
    benefits = Q(
        benefit__programme__in=[Programme.DIBAO, Programme.TEKUN],
        benefit__start_month__lte=last,
        benefit__township_id__in=township_ids,
    )
    spans = (
        decision_spans(benefits, until=last)
        .annotate(
            programme=F("benefit__programme"),
            since=Greatest("effective_month", "benefit__start_month", Value(first)),
            persons=F("benefit__covered_count"),
        )
        .values_list("programme", "since", "next_month", "persons", "new_amount", "new_status")
    )
    connection = connections[spans.db]
    inner, params = spans.query.get_compiler(connection=connection).as_sql()
    programme, since, until, persons, amount, status = map(
        connection.ops.quote_name, ["programme", "since", "next_month", "persons", "new_amount", "new_status"]
    )
    covered = sorted(COVERED_STATUSES)
    sql = (
        f"SELECT {programme}, {since}, {until}, COUNT(*), SUM({persons}), SUM({amount}) FROM ({inner}) spans"  # noqa: S608 (the ORM's SQL)
        f" WHERE {status} IN (%s, %s) AND ({until} IS NULL OR {until} > %s) GROUP BY {programme}, {since}, {until}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *covered, first.isoformat()])
        rows = cursor.fetchall()
    return [
        (programme, _date(since), None if until is None else _date(until), households, persons, _money(amount))
        for programme, since, until, households, persons, amount in rows
    ]


def _date(value) -> datetime.date:
    """A date as a raw cursor gives it (SQLite: its ISO text)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _money(value) -> Decimal:
    """A sum of amounts as a raw cursor gives it (SQLite: a float), to the cent."""
    if isinstance(value, float):
        value = Context(prec=15).create_decimal_from_float(value)
    return Decimal(value).quantize(ZERO)


def parse_month(raw: str) -> datetime.date | None:
    """`YYYY-MM` → its first day; None when it is not one (a filter that cannot apply)."""
    try:
        year, month = raw.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return None

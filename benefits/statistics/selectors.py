"""The monthly report's figures, read from the decisions in force (never from today's statuses).

低保 and 特困 come from the roll of the month: the decisions in force that month of the benefits
started by then, in a covered status (the one rule that every channel uses for a month's amount,
`benefits.states.decisions_in_force`, here as the spans of `decision_spans`, summed by the
database: `figures.paid_spans`), so a past month gives the same figures whenever it is asked for.
Temporary assistance counts the grants decided in the month, medical assistance the claims
recorded in the month with aid above zero: both are append-only records with their own date.
The statistics page's trend (the totals of the twelve months up to the one shown) comes from the
same three queries as the month's report (`report_and_trend`).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, make_dataclass
from decimal import Decimal

from households.models import Classification, Township
from households.selectors import townships_for
from sunwu_relief import clock

from ..medical.models import MedicalClaim
from ..models import Programme
from ..temporary.models import TemporaryCase, TemporaryStatus
from .figures import ZERO, Span, by_township_and_month, month_bounds, paid_spans


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


def monthly_report(*, month: datetime.date, townships: Iterable[Township]) -> MonthlyReport:
    """The report of `month` for `townships` (already scoped to the user), ordered by code."""
    report, _trend = report_and_trend(month=month, townships=townships, months=1)
    return report


def report_and_trend(
    *, month: datetime.date, townships: Iterable[Township], months: int
) -> tuple[MonthlyReport, list[tuple[datetime.date, "TrendRow"]]]:
    """The report of `month` for `townships` (already scoped to the user, the rows ordered by code)
    and the totals of each of the `months` months up to it (the page's trend), in three queries
    whatever the number of months: the spans of the decisions in force (`figures.paid_spans`),
    the grants and the claims by township and month."""
    month = month.replace(day=1)
    townships = sorted(townships, key=lambda t: t.code)
    ids = [t.pk for t in townships]
    trend_months = last_months(months, until=month)
    first, (_start, after) = trend_months[0], month_bounds(month)
    spans = paid_spans(first, month, ids)
    temporary = by_township_and_month(
        TemporaryCase.objects.filter(
            status=TemporaryStatus.GRANTED, township_id__in=ids, decided_at__date__gte=first, decided_at__date__lt=after
        ),
        "decided_at",
        "amount",
    )
    medical = by_township_and_month(
        MedicalClaim.objects.filter(township_id__in=ids, aid__gt=0, created__date__gte=first, created__date__lt=after),
        "created",
        "aid",
    )
    report = MonthlyReport(month=month, rows=[StatisticsRow(township=t.name) for t in townships])
    rows = {t.pk: row for t, row in zip(townships, report.rows, strict=True)}
    for span in spans:
        if span.covers(month):
            _add_span(rows[span.township_id], span)
    for (township_id, when), (count, amount) in temporary.items():
        if when == month:
            rows[township_id].temporary_count, rows[township_id].temporary_amount = count, amount
    for (township_id, when), (count, amount) in medical.items():
        if when == month:
            rows[township_id].medical_count, rows[township_id].medical_amount = count, amount
    for row in report.rows:
        report.total.add(row)
    return report, _trend(trend_months, spans, temporary, medical)


def _add_span(row, span: Span, *, detail: bool = True) -> None:
    """A span's sums added to a township's row (`detail`: with the classification and care-home
    splits) or to a trend month's `TrendRow` (the totals only)."""
    if span.programme == Programme.DIBAO:
        row.dibao_households += span.households
        row.dibao_persons += span.persons
        row.dibao_amount += span.amount
        if not detail:
            return
        if span.classification == Classification.KEY:
            row.dibao_key += span.households
        elif span.classification == Classification.LONG_TERM:
            row.dibao_long_term += span.households
        else:
            row.dibao_general += span.households
    else:
        row.tekun_persons += span.persons
        row.tekun_amount += span.amount
        if not detail:
            return
        row.tekun_centralised += span.centralised
        row.tekun_dispersed += span.persons - span.centralised


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


# The totals of a month the trend shows: those of its `monthly_report(...).total`.
TREND_FIGURES = [
    "dibao_households",
    "dibao_persons",
    "dibao_amount",
    "tekun_persons",
    "tekun_amount",
    "temporary_count",
    "temporary_amount",
    "medical_count",
    "medical_amount",
]
TrendRow = make_dataclass(
    "TrendRow", [(f.name, f.type, field(default=f.default)) for f in fields(StatisticsRow) if f.name in TREND_FIGURES]
)


def trend_totals(*, months: list[datetime.date], townships: Iterable[Township]) -> list[tuple[datetime.date, TrendRow]]:
    """The total of each of `months` (consecutive, oldest first) for `townships` (already scoped to
    the user): those of each month's `monthly_report`, in its three queries (`report_and_trend`)."""
    _report, trend = report_and_trend(month=months[-1], townships=townships, months=len(months))
    return trend


def _trend(months: list[datetime.date], spans: list[Span], temporary: dict, medical: dict):
    totals = {month: TrendRow() for month in months}
    for month, row in totals.items():
        for span in spans:
            if span.covers(month):
                _add_span(row, span, detail=False)
    for (_township_id, month), (count, amount) in temporary.items():
        totals[month].temporary_count += count
        totals[month].temporary_amount += amount
    for (_township_id, month), (count, amount) in medical.items():
        totals[month].medical_count += count
        totals[month].medical_amount += amount
    return list(totals.items())


def parse_month(raw: str) -> datetime.date | None:
    """`YYYY-MM` → its first day; None when it is not one (a filter that cannot apply)."""
    try:
        year, month = raw.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return None

"""The figures of the township performance table, each with the rows it counts.

- Decisions on time: applications decided in the period, decided within the decision deadline
  (working days from acceptance; the extended deadline where it was extended).
- Investigations started on time: applications accepted in the period whose investigation began
  within its deadline (working days from acceptance).
- Spot-check discrepancy rate: county visits recorded in the period that found a discrepancy.
- Reviews overdue, findings open, payments failed: as they stand now (reviews past their due
  date on running benefits; reconciliation findings not resolved; bank results failed in the
  period and not yet paid again).
The deadline numbers are those the case was accepted under (its standard's snapshot), else the
standard of its year: the same as on the case page.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Count, FilteredRelation, Min, Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import TruncDate
from django.utils import timezone

from audits.models import Finding, FindingStatus
from benefits.models import (
    Application,
    ApplicationStatus,
    Benefit,
    CountyVisit,
    ItemResult,
    PaymentItem,
)
from benefits.rules import policy_number
from benefits.selectors import WorkingCalendar, running_benefits
from households.models import Township
from sunwu_relief import clock

METRICS = ("decisions", "starts", "discrepancies", "reviews_overdue", "findings_open", "payments_failed")


@dataclass
class Figure:
    """A count out of a total (a rate), or a plain count (`total` None)."""

    count: int = 0
    total: int | None = None

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.count) * 100 / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class TownshipRow:
    township: Township | None  # None: the county
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return first, after


def default_period() -> Period:
    today = clock.today()
    return Period(start=today.replace(month=1, day=1), end=today)


class CaseRef(NamedTuple):
    """The application a row of the decisions or starts counts (what the detail page shows)."""

    pk: int
    applicant_name: str


def _local_day(value) -> TruncDate:
    """The local day of a time (a field's name or an expression), in the database."""
    return TruncDate(value, tzinfo=timezone.get_current_timezone())


def _own(name: str) -> KeyTransform:
    """The case's own number `name` from its standard snapshot (None when it has none)."""
    return KeyTransform(name, "standard_snapshot")


class _Deadlines:
    """The due day of a case's deadline from what it is computed from, once per (programme,
    number, the case's own value, start day) for a page: the policy number is the case's own (its
    snapshot's), else the standard of the year it was accepted (`policy_number`, as on the case
    page); the day is counted out by the calendar."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.today = clock.today()
        self._due: dict[tuple, datetime.date] = {}

    def due(self, programme: str, name: str, own, start: datetime.date) -> datetime.date:
        key = (programme, name, own, start)
        if key not in self._due:
            standard = self.calendar.standard(programme, start.year)
            days = policy_number(name, snapshot={name: own} if own is not None else None, standard=standard)
            self._due[key] = self.calendar.deadline(start, days)
        return self._due[key]

    def decision(self, programme, extended, start, done, own_days, own_days_extended) -> tuple:
        """(due, on time) of a decision: within its (extended, where it was extended) deadline."""
        if extended:
            due = self.due(programme, "decision_days_extended", own_days_extended, start)
        else:
            due = self.due(programme, "decision_days", own_days, start)
        return due, done <= due

    def start(self, programme, start, done, own_days) -> tuple | None:
        """(due, on time) of an investigation's start; None for a case not started and not late
        yet (it does not count either way)."""
        due = self.due(programme, "investigation_start_days", own_days, start)
        if done is None and due >= self.today:
            return None
        return due, done is not None and done <= due


# What a decision's deadline and its verdict are computed from, read as plain values: cases that
# share them share their verdict (the table counts them in groups, the detail lists them).
DECIDED = ("programme", "deadline_extended", "start", "done", "own_days", "own_days_extended")
STARTED = ("programme", "start", "done", "own_days")


def _decided(period: Period, township_ids: list[int]) -> QuerySet[Application]:
    first, after = period.bounds
    return Application.objects.filter(
        township_id__in=township_ids, decided_at__gte=first, decided_at__lt=after, accepted_at__isnull=False
    ).annotate(
        start=_local_day("accepted_at"),
        done=_local_day("decided_at"),
        own_days=_own("decision_days"),
        own_days_extended=_own("decision_days_extended"),
    )


def _accepted(period: Period, township_ids: list[int]) -> QuerySet[Application]:
    """The cases accepted in the period, one row each, with the local day of their first
    INVESTIGATING transition (a join aggregated per case: a correlated subquery per case took
    three times as long over a county's 10,000)."""
    first, after = period.bounds
    # The join's condition keeps only the INVESTIGATING transitions (not every step of every case).
    investigations = FilteredRelation(
        "transitions", condition=Q(transitions__to_status=ApplicationStatus.INVESTIGATING)
    )
    return (
        Application.objects.filter(township_id__in=township_ids, accepted_at__gte=first, accepted_at__lt=after)
        .annotate(investigations=investigations)
        .annotate(
            start=_local_day("accepted_at"),
            done=_local_day(Min("investigations__created")),
            own_days=_own("investigation_start_days"),
        )
    )


def _row(pk: int, applicant_name: str, start, done, verdict: tuple) -> dict:
    due, on_time = verdict
    return {"application": CaseRef(pk, applicant_name), "start": start, "due": due, "done": done, "on_time": on_time}


def decision_rows(period: Period, township_ids: list[int], calendar: WorkingCalendar) -> list[dict]:
    deadlines = _Deadlines(calendar)
    cases = _decided(period, township_ids).order_by("decided_at", "pk").values_list("pk", "applicant_name", *DECIDED)
    return [_row(pk, name, case[2], case[3], deadlines.decision(*case)) for pk, name, *case in cases]


def start_rows(period: Period, township_ids: list[int], calendar: WorkingCalendar) -> list[dict]:
    deadlines = _Deadlines(calendar)
    rows = []
    cases = _accepted(period, township_ids).order_by("accepted_at", "pk").values_list("pk", "applicant_name", *STARTED)
    for pk, name, *case in cases:
        verdict = deadlines.start(*case)
        if verdict is not None:
            rows.append(_row(pk, name, case[1], case[2], verdict))
    return rows


def visit_rows(period: Period, township_ids: list[int]) -> QuerySet[CountyVisit]:
    first, after = period.bounds
    return (
        CountyVisit.objects.filter(application__township_id__in=township_ids, created__gte=first, created__lt=after)
        .select_related("application")
        .order_by("created", "pk")
    )


def overdue_review_rows(township_ids: list[int]) -> QuerySet[Benefit]:
    return (
        running_benefits()
        .filter(township_id__in=township_ids, next_review_due__lt=clock.today())
        .select_related("household")
        .order_by("next_review_due", "pk")
    )


def open_finding_rows(township_ids: list[int]) -> QuerySet[Finding]:
    return Finding.objects.filter(township_id__in=township_ids, status=FindingStatus.OPEN).order_by("first_found", "pk")


def failed_payment_rows(period: Period, township_ids: list[int]) -> QuerySet[PaymentItem]:
    first, after = period.bounds
    return (
        PaymentItem.objects.filter(
            township_id__in=township_ids, result=ItemResult.FAILED, result_at__gte=first, result_at__lt=after
        )
        .select_related("batch")
        .order_by("result_at", "pk")
    )


def _count(figure: Figure, n: int, hits: int) -> None:
    figure.total = (figure.total or 0) + n
    figure.count += hits


def performance_table(*, period: Period, townships: list[Township]) -> list[TownshipRow]:
    """One row per township, then the county's row (pooled over the townships shown). The cases
    are counted in groups of what their verdict is computed from (the decided ones grouped by
    the database, the accepted ones here), each due day counted out once; the plain figures are
    counted by the database per township."""
    ids = [t.pk for t in townships]
    deadlines = _Deadlines(WorkingCalendar())
    per: dict[int, dict[str, Figure]] = defaultdict(lambda: {name: Figure() for name in METRICS})
    for township_id, *case, n in (
        _decided(period, ids).order_by().values_list("township_id", *DECIDED).annotate(n=Count("id"))
    ):
        _due, on_time = deadlines.decision(*case)
        _count(per[township_id]["decisions"], n, n if on_time else 0)
    # One row per case (its first investigation is an aggregate), counted here by what the
    # verdict is computed from.
    accepted = Counter(_accepted(period, ids).order_by().values_list("township_id", *STARTED))
    for (township_id, *case), n in accepted.items():
        verdict = deadlines.start(*case)
        if verdict is not None:
            _count(per[township_id]["starts"], n, n if verdict[1] else 0)
    discrepancy = Q(result=CountyVisit.Result.DISCREPANCY)
    for township_id, n, hits in (
        visit_rows(period, ids)
        .order_by()
        .values_list("application__township_id")
        .annotate(n=Count("id"), hits=Count("id", filter=discrepancy))
    ):
        _count(per[township_id]["discrepancies"], n, hits)
    for name, rows in (
        ("reviews_overdue", overdue_review_rows(ids)),
        ("findings_open", open_finding_rows(ids)),
        ("payments_failed", failed_payment_rows(period, ids)),
    ):
        for township_id, n in rows.order_by().values_list("township_id").annotate(n=Count("id")):
            per[township_id][name].count += n
    table = [TownshipRow(township=t, figures=per[t.pk]) for t in townships]
    county = TownshipRow(township=None, figures={name: Figure() for name in METRICS})
    for row in table:
        for name, figure in row.figures.items():
            total = county.figures[name]
            total.count += figure.count
            if figure.total is not None:
                total.total = (total.total or 0) + figure.total
    return [*table, county]


def metric_rows(*, metric: str, period: Period, township: Township) -> list | QuerySet:
    """The cases behind one figure of one township: the decisions and starts as computed rows,
    the others as querysets (the page reads its rows only)."""
    ids = [township.pk]
    match metric:
        case "decisions":
            return decision_rows(period, ids, WorkingCalendar())
        case "starts":
            return start_rows(period, ids, WorkingCalendar())
        case "discrepancies":
            return visit_rows(period, ids)
        case "reviews_overdue":
            return overdue_review_rows(ids)
        case "findings_open":
            return open_finding_rows(ids)
        case "payments_failed":
            return failed_payment_rows(period, ids)
    raise ValueError(metric)

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
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min, QuerySet
from django.utils import timezone

from audits.models import Finding, FindingStatus
from benefits.models import (
    Application,
    ApplicationStatus,
    Benefit,
    CountyVisit,
    ItemResult,
    PaymentItem,
    Transition,
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


def _days(application: Application, calendar: WorkingCalendar, name: str) -> int:
    """The case's own number (its snapshot), else the standard of the year it was accepted."""
    standard = calendar.standard(application.programme, timezone.localdate(application.accepted_at).year)
    return policy_number(name, snapshot=application.standard_snapshot, standard=standard)


def decision_rows(period: Period, township_ids: list[int], calendar: WorkingCalendar) -> list[dict]:
    first, after = period.bounds
    applications = Application.objects.filter(
        township_id__in=township_ids, decided_at__gte=first, decided_at__lt=after, accepted_at__isnull=False
    ).order_by("decided_at", "pk")
    rows = []
    for application in applications:
        name = "decision_days_extended" if application.deadline_extended else "decision_days"
        due = calendar.deadline(timezone.localdate(application.accepted_at), _days(application, calendar, name))
        decided = timezone.localdate(application.decided_at)
        rows.append(
            {
                "application": application,
                "start": timezone.localdate(application.accepted_at),
                "due": due,
                "done": decided,
                "on_time": decided <= due,
            }
        )
    return rows


def start_rows(period: Period, township_ids: list[int], calendar: WorkingCalendar) -> list[dict]:
    first, after = period.bounds
    applications = list(
        Application.objects.filter(
            township_id__in=township_ids, accepted_at__gte=first, accepted_at__lt=after
        ).order_by("accepted_at", "pk")
    )
    started = dict(
        Transition.objects.filter(application__in=applications, to_status=ApplicationStatus.INVESTIGATING)
        .values("application_id")
        .annotate(first=Min("created"))
        .values_list("application_id", "first")
    )
    today = clock.today()
    rows = []
    for application in applications:
        accepted = timezone.localdate(application.accepted_at)
        due = calendar.deadline(accepted, _days(application, calendar, "investigation_start_days"))
        began = timezone.localdate(started[application.pk]) if application.pk in started else None
        if began is None and due >= today:
            continue  # not started, but not late yet: it does not count either way
        rows.append(
            {
                "application": application,
                "start": accepted,
                "due": due,
                "done": began,
                "on_time": began is not None and began <= due,
            }
        )
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
    return Finding.objects.filter(township_id__in=township_ids, status=FindingStatus.OPEN).order_by("first_found")


def failed_payment_rows(period: Period, township_ids: list[int]) -> QuerySet[PaymentItem]:
    first, after = period.bounds
    return (
        PaymentItem.objects.filter(
            township_id__in=township_ids, result=ItemResult.FAILED, result_at__gte=first, result_at__lt=after
        )
        .select_related("batch")
        .order_by("result_at", "pk")
    )


def performance_table(*, period: Period, townships: list[Township]) -> list[TownshipRow]:
    """One row per township, then the county's row (pooled over the townships shown)."""
    ids = [t.pk for t in townships]
    calendar = WorkingCalendar()
    per: dict[int, dict[str, Figure]] = defaultdict(lambda: {name: Figure() for name in METRICS})
    for name, rows in (
        ("decisions", decision_rows(period, ids, calendar)),
        ("starts", start_rows(period, ids, calendar)),
    ):
        for row in rows:
            figure = per[row["application"].township_id][name]
            figure.total = (figure.total or 0) + 1
            figure.count += row["on_time"]
    for visit in visit_rows(period, ids):
        figure = per[visit.application.township_id]["discrepancies"]
        figure.total = (figure.total or 0) + 1
        figure.count += visit.result == CountyVisit.Result.DISCREPANCY
    for name, rows in (
        ("reviews_overdue", overdue_review_rows(ids)),
        ("findings_open", open_finding_rows(ids)),
        ("payments_failed", failed_payment_rows(period, ids)),
    ):
        for township_id in rows.values_list("township_id", flat=True):
            per[township_id][name].count += 1
    table = [TownshipRow(township=t, figures=per[t.pk]) for t in townships]
    county = TownshipRow(township=None, figures={name: Figure() for name in METRICS})
    for row in table:
        for name, figure in row.figures.items():
            total = county.figures[name]
            total.count += figure.count
            if figure.total is not None:
                total.total = (total.total or 0) + figure.total
    return [*table, county]


def metric_rows(*, metric: str, period: Period, township: Township) -> list:
    """The cases behind one figure of one township."""
    ids = [township.pk]
    match metric:
        case "decisions":
            return decision_rows(period, ids, WorkingCalendar())
        case "starts":
            return start_rows(period, ids, WorkingCalendar())
        case "discrepancies":
            return list(visit_rows(period, ids))
        case "reviews_overdue":
            return list(overdue_review_rows(ids))
        case "findings_open":
            return list(open_finding_rows(ids))
        case "payments_failed":
            return list(failed_payment_rows(period, ids))
    raise ValueError(metric)

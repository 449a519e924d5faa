"""County oversight reads: the dashboard's figures, scoped to the user, answerable as of a date."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from benefits.models import COVERED_STATUSES, IN_PROCEDURE
from benefits.roll import state_in_month
from benefits.selectors import WorkingCalendar, application_deadlines, applications_for, benefits_for
from households.selectors import households_for, townships_for


@dataclass
class TownshipFigures:
    name: str
    households: int = 0
    open_applications: int = 0
    overdue_applications: int = 0
    covered_households: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    covered_persons: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    monthly_total: Decimal = Decimal("0")
    reviews_overdue: int = 0
    # Approved by `on` but paid from a later month (a decision starts paying the month after).
    starting_households: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    starting_persons: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    starting_total: Decimal = Decimal("0")


def dashboard_figures(user, *, on: datetime.date) -> tuple[list[TownshipFigures], TownshipFigures]:
    """Per township and in total: households, open and overdue cases, who is covered in the
    month of `on` (from the decisions in force then), and overdue re-verifications."""
    townships = {t.pk: TownshipFigures(name=t.name) for t in townships_for(user).order_by("code")}
    for row in households_for(user).values("township_id").annotate(n=Count("id")):
        townships[row["township_id"]].households = row["n"]
    open_cases = applications_for(user).filter(status__in=IN_PROCEDURE)
    calendar = WorkingCalendar()
    for application in open_cases.only(
        "id",
        "township_id",
        "programme",
        "status",
        "accepted_at",
        "received_by_county_at",
        "deadline_extended",
        "objection_upheld_at",
        "standard_snapshot",
    ):
        figures = townships[application.township_id]
        figures.open_applications += 1
        if any(d["overdue"] for d in application_deadlines(application, on=on, calendar=calendar)):
            figures.overdue_applications += 1
    month = on.replace(day=1)
    benefits = (
        benefits_for(user)
        .filter(start_month__lte=month)
        .filter(Q(end_month__isnull=True) | Q(end_month__gt=month))
        .prefetch_related("changes")
        .only("id", "township_id", "programme", "status", "covered_count", "next_review_due")
    )
    for benefit in benefits:
        status, amount = state_in_month(benefit, month)
        if status not in COVERED_STATUSES:
            continue
        figures = townships[benefit.township_id]
        figures.covered_households[benefit.programme] += 1
        figures.covered_persons[benefit.programme] += benefit.covered_count
        figures.monthly_total += amount
        if benefit.next_review_due and benefit.next_review_due < on and benefit.status in COVERED_STATUSES:
            figures.reviews_overdue += 1
    starting = (
        benefits_for(user)
        .filter(start_month__gt=month, status__in=COVERED_STATUSES, created__date__lte=on)
        .only("id", "township_id", "programme", "covered_count", "start_month")
        .prefetch_related("changes")
    )
    for benefit in starting:
        figures = townships[benefit.township_id]
        figures.starting_households[benefit.programme] += 1
        figures.starting_persons[benefit.programme] += benefit.covered_count
        # The amount of the decision in force in its first month.
        _status, first_amount = state_in_month(benefit, benefit.start_month)
        figures.starting_total += first_amount
    total = TownshipFigures(name="")
    for figures in townships.values():
        total.households += figures.households
        total.open_applications += figures.open_applications
        total.overdue_applications += figures.overdue_applications
        total.monthly_total += figures.monthly_total
        total.reviews_overdue += figures.reviews_overdue
        for programme, n in figures.covered_households.items():
            total.covered_households[programme] += n
        for programme, n in figures.covered_persons.items():
            total.covered_persons[programme] += n
        total.starting_total += figures.starting_total
        for programme, n in figures.starting_households.items():
            total.starting_households[programme] += n
        for programme, n in figures.starting_persons.items():
            total.starting_persons[programme] += n
    return list(townships.values()), total

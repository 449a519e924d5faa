"""County oversight reads: the dashboard's figures, scoped to the user, answerable as of a date."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from benefits.models import COVERED_STATUSES
from benefits.selectors import WorkingCalendar, applications_for, benefits_for, open_and_overdue
from benefits.states import decisions_in_force
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
    # (No order: the households' own, by their township's code, would join the townships.)
    for row in households_for(user).order_by().values("township_id").annotate(n=Count("id")):
        townships[row["township_id"]].households = row["n"]
    # Open and overdue cases counted by the database: one cut-off day per deadline length.
    for township_id, (n, overdue) in open_and_overdue(
        applications_for(user), on=on, calendar=WorkingCalendar()
    ).items():
        townships[township_id].open_applications = n
        townships[township_id].overdue_applications = overdue
    month = on.replace(day=1)
    # Covered in the month: the decision in force then (the one rule: the last decided of those
    # effective by the month), aggregated by the database per township and programme.
    # The benefit's months are filtered on the decision's own join with it (not a second pass
    # over the benefits).
    for row in (
        decisions_in_force(benefits_for(user), month=month)
        .filter(benefit__start_month__lte=month)
        .filter(Q(benefit__end_month__isnull=True) | Q(benefit__end_month__gt=month))
        .filter(new_status__in=COVERED_STATUSES)
        .order_by()
        .values("benefit__township_id", "benefit__programme")
        .annotate(
            households=Count("id"),
            persons=Sum("benefit__covered_count"),
            amount=Sum("new_amount"),
            reviews_overdue=Count(
                "id", filter=Q(benefit__next_review_due__lt=on, benefit__status__in=COVERED_STATUSES)
            ),
        )
    ):
        figures = townships[row["benefit__township_id"]]
        programme = row["benefit__programme"]
        figures.covered_households[programme] += row["households"]
        figures.covered_persons[programme] += row["persons"] or 0
        figures.monthly_total += row["amount"] or Decimal("0")
        figures.reviews_overdue += row["reviews_overdue"]
    # Approved by `on`, paid from a later month: the amount of the decision in force in its first month.
    starting = benefits_for(user).filter(start_month__gt=month, status__in=COVERED_STATUSES, created__date__lte=on)
    for row in (
        decisions_in_force(starting)
        .order_by()
        .values("benefit__township_id", "benefit__programme")
        .annotate(households=Count("id"), persons=Sum("benefit__covered_count"), amount=Sum("new_amount"))
    ):
        figures = townships[row["benefit__township_id"]]
        programme = row["benefit__programme"]
        figures.starting_households[programme] += row["households"]
        figures.starting_persons[programme] += row["persons"] or 0
        figures.starting_total += row["amount"] or Decimal("0")
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

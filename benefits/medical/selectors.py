"""Reads for 医疗救助: a person's status on a day, the coverage periods the medical insurance
office needs, the year's claims and the contribution subsidy list."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from households.models import Member
from households.selectors import households_for
from sunwu_relief.roles import role_of

from ..models import COVERED_STATUSES, Benefit, Programme
from ..selectors import standard_for
from .models import MedicalClaim

# Programmes that open medical assistance, strongest first (特困 before 低保).
STATUS_PROGRAMMES = (Programme.TEKUN, Programme.DIBAO)


def status_on(member: Member, day: datetime.date) -> Benefit | None:
    """The benefit covering `member` on `day`: its decision in force that month is active or
    phasing out (benefits/DECISIONS.md); 特困 before 低保 when both would answer."""
    benefits = (
        Benefit.objects.filter(covered_members=member, programme__in=STATUS_PROGRAMMES)
        .prefetch_related("changes")
        .order_by("id")
    )
    found = {}
    for benefit in benefits:
        decision = benefit.decision_in(day)
        if decision is not None and decision.new_status in COVERED_STATUSES:
            found.setdefault(benefit.programme, benefit)
    return next((found[p] for p in STATUS_PROGRAMMES if p in found), None)


def claims_for(user) -> QuerySet[MedicalClaim]:
    if role_of(user) is None:
        return MedicalClaim.objects.none()
    return MedicalClaim.objects.filter(household__in=households_for(user)).select_related(
        "member", "household__village"
    )


def year_claims(member: Member, year: int) -> QuerySet[MedicalClaim]:
    return MedicalClaim.objects.filter(member=member, year=year)


def year_totals(member: Member, year: int) -> tuple[list[Decimal], Decimal]:
    """The self-pay of each claim already recorded this year, and the aid paid on them."""
    claims = year_claims(member, year)
    self_pays = list(claims.values_list("self_pay", flat=True))
    paid = claims.aggregate(total=Sum("aid"))["total"] or Decimal("0")
    return self_pays, paid


@dataclass(frozen=True)
class CoveragePeriod:
    member: Member
    programme: str
    starts_on: datetime.date
    ends_on: datetime.date | None  # None: still covered


def _month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def coverage_periods(*, since: datetime.date | None = None, township_ids=None) -> list[CoveragePeriod]:
    """Who is 低保/特困 on which dates: for each covered member, the runs of months in which the
    benefit's decision in force is active or phasing out (a month is covered from its first to
    its last day). `since` leaves out periods that ended before it."""
    benefits = (
        Benefit.objects.filter(programme__in=STATUS_PROGRAMMES)
        .prefetch_related("changes", "covered_members__household__village")
        .select_related("household")
        .order_by("household_id", "programme", "id")
    )
    if township_ids is not None:
        benefits = benefits.filter(township_id__in=township_ids)
    periods: list[CoveragePeriod] = []
    for benefit in benefits:
        runs: list[tuple[datetime.date, datetime.date | None]] = []
        start = None
        for decision in benefit.decisions():
            covered = decision.new_status in COVERED_STATUSES
            if covered and start is None:
                start = decision.effective_month
            elif not covered and start is not None:
                if decision.effective_month > start:
                    runs.append((start, decision.effective_month - datetime.timedelta(days=1)))
                start = None
        if start is not None:
            runs.append((start, None))
        for starts_on, ends_on in runs:
            if since is not None and ends_on is not None and ends_on < since:
                continue
            for member in benefit.covered_members.all():
                periods.append(CoveragePeriod(member, benefit.programme, starts_on, ends_on))
    periods.sort(key=lambda p: (p.member.household.township_id, p.member.household_id, p.member.pk, p.starts_on))
    return periods


@dataclass(frozen=True)
class SubsidyRow:
    member: Member
    programme: str
    amount: Decimal
    explanation: str


def contribution_subsidies(*, year: int) -> list[SubsidyRow]:
    """资助参保 for a year: every member covered by 特困 or 低保 in any month of the year; 特困 in
    full (the year's individual contribution), 低保 the fixed amount (never above the contribution)."""
    standard = standard_for(Programme.MEDICAL, year)
    full = standard.medical_contribution if standard else Decimal("0")
    fixed = min(standard.medical_contribution_dibao, full) if standard else Decimal("0")
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    best: dict[int, tuple[Member, str]] = {}
    for period in coverage_periods(since=first):
        if period.starts_on > last:
            continue
        current = best.get(period.member.pk)
        if current is None or (current[1] == Programme.DIBAO and period.programme == Programme.TEKUN):
            best[period.member.pk] = (period.member, period.programme)
    rows = []
    for member, programme in best.values():
        if programme == Programme.TEKUN:
            rows.append(SubsidyRow(member, programme, full, f"特困人员个人缴费全额资助 {full} 元"))
        else:
            rows.append(SubsidyRow(member, programme, fixed, f"低保对象定额资助 {fixed} 元（个人缴费 {full} 元）"))
    rows.sort(key=lambda r: (r.member.household.township_id, r.member.household_id, r.member.pk))
    return rows

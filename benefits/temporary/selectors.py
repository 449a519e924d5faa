"""Reads for 临时救助, scoped like the other cases: a township's roles see their township's
cases (流动人员 included), county roles all of them. Deadlines as for 低保: the emergency grant's
hours from the request, the remaining steps 补办 in working days, a 支出型 case's investigation,
township opinion and county decision in working days (the `temporary` standard's numbers)."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sunwu_relief.roles import Role, is_county_wide, role_of, township_id_of

from ..models import Programme
from ..selectors import WorkingCalendar
from .models import GrantForm, TemporaryCase, TemporaryKind, TemporaryPayment, TemporaryStatus, TemporaryStep
from .workflow import OPEN

CASE_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR})
_BEFORE_OPINION = frozenset({TemporaryStatus.SUBMITTED, TemporaryStatus.INVESTIGATING, TemporaryStatus.TOWNSHIP_REVIEW})
_DEFAULTS = (("investigation_start_days", 3), ("township_opinion_days", 15), ("county_decision_days", 10))


def temporary_cases_for(user) -> QuerySet[TemporaryCase]:
    if role_of(user) not in CASE_ROLES:
        return TemporaryCase.objects.none()
    cases = TemporaryCase.objects.select_related("household__village", "member", "created_by")
    if is_county_wide(user):
        return cases
    return cases.filter(township_id=township_id_of(user))


def temporary_case_page(user, pk: int) -> TemporaryCase | None:
    """One case with what its page shows: the timeline (who, when), the assessments."""
    steps = TemporaryStep.objects.select_related("actor")
    return (
        temporary_cases_for(user)
        .select_related("decided_by", "written_notice")
        .prefetch_related(Prefetch("steps", queryset=steps), "assessments__recorded_by")
        .filter(pk=pk)
        .first()
    )


def awaiting_county(user) -> QuerySet[TemporaryCase]:
    return temporary_cases_for(user).filter(status=TemporaryStatus.COUNTY_REVIEW).order_by("reported_at")


@dataclass(frozen=True)
class Deadline:
    code: str
    label: str
    due: datetime.date | datetime.datetime
    overdue: bool


def case_deadlines(
    case: TemporaryCase,
    *,
    on: datetime.date,
    now: datetime.datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[Deadline]:
    """The deadlines that apply to the case now, each with whether it has passed."""
    now = now or timezone.now()
    deadlines = []
    if case.emergency_deadline is not None and case.status in OPEN:
        deadlines.append(
            Deadline("emergency", _("Emergency grant"), case.emergency_deadline, now > case.emergency_deadline)
        )
    if case.supplement_due is not None and case.supplement_completed_on is None:
        deadlines.append(Deadline("supplement", _("Remaining steps"), case.supplement_due, case.supplement_due < on))
    if case.kind != TemporaryKind.EXPENDITURE or case.status not in OPEN:
        return deadlines
    calendar = calendar or WorkingCalendar()
    requested = timezone.localdate(case.reported_at)
    standard = calendar.standard(Programme.TEMPORARY, requested.year)
    days = {name: int(getattr(standard, name, default)) for name, default in _DEFAULTS}
    if case.status == TemporaryStatus.SUBMITTED:
        due = calendar.deadline(requested, days["investigation_start_days"])
        deadlines.append(Deadline("investigation", _("Investigation starts"), due, due < on))
    if case.status in _BEFORE_OPINION:
        due = calendar.deadline(requested, days["township_opinion_days"])
        deadlines.append(Deadline("township_opinion", _("Township opinion"), due, due < on))
    if case.status == TemporaryStatus.COUNTY_REVIEW and case.sent_to_county_at is not None:
        due = calendar.deadline(timezone.localdate(case.sent_to_county_at), days["county_decision_days"])
        deadlines.append(Deadline("county_decision", _("County decision"), due, due < on))
    return deadlines


@dataclass(frozen=True)
class SupplementDue:
    case: TemporaryCase
    due: datetime.date
    overdue: bool


def supplements_due(user, *, on: datetime.date) -> list[SupplementDue]:
    """Emergency grants whose remaining steps 补办 are not done yet, each with its deadline and
    whether it has passed (for the dashboard and the township's work list)."""
    cases = (
        temporary_cases_for(user)
        .filter(emergency_grant=True, status=TemporaryStatus.GRANTED, supplement_completed_on__isnull=True)
        .exclude(supplement_due__isnull=True)
        .order_by("supplement_due", "id")
    )
    return [SupplementDue(case, case.supplement_due, case.supplement_due < on) for case in cases]


@dataclass(frozen=True)
class EmergencyWaiting:
    case: TemporaryCase
    due: datetime.datetime
    late: bool


def emergencies_waiting(user, *, now: datetime.datetime | None = None) -> list[EmergencyWaiting]:
    """Emergency grants asked for and not decided yet, the soonest due first, each with whether
    its limit (hours from the request) has passed."""
    now = now or timezone.now()
    cases = (
        temporary_cases_for(user)
        .filter(emergency_grant=True, status__in=OPEN, emergency_deadline__isnull=False)
        .order_by("emergency_deadline", "id")
    )
    return [EmergencyWaiting(case, case.emergency_deadline, now > case.emergency_deadline) for case in cases]


def decided_late(user) -> QuerySet[TemporaryCase]:
    """Emergency cases decided after their limit (for the county's oversight)."""
    return temporary_cases_for(user).filter(decided_late=True).order_by("-decided_at", "-id")


def _days(calendar: WorkingCalendar, name: str, today: datetime.date) -> int:
    standard = calendar.standard(Programme.TEMPORARY, today.year)
    return int(getattr(standard, name, dict(_DEFAULTS)[name]))


@dataclass(frozen=True)
class Work:
    count: int
    overdue: int


def township_to_decide(user, *, today: datetime.date, now: datetime.datetime | None = None) -> Work:
    """What waits for the township reviewer (the dashboard's queue, a few COUNTs): emergency
    cases to decide, 支出型 cases to review, 支出型 cases whose notice is over; overdue: an
    emergency past its limit, a review past the township-opinion deadline."""
    now = now or timezone.now()
    emergency = Q(kind=TemporaryKind.EMERGENCY, status=TemporaryStatus.SUBMITTED)
    review = Q(kind=TemporaryKind.EXPENDITURE, status=TemporaryStatus.TOWNSHIP_REVIEW)
    decide = Q(kind=TemporaryKind.EXPENDITURE, status=TemporaryStatus.PUBLIC_NOTICE, notice_ends_on__lt=today)
    waiting = temporary_cases_for(user).filter(emergency | review | decide)
    calendar = WorkingCalendar()
    cutoff = calendar.last_overdue_start(days=_days(calendar, "township_opinion_days", today), today=today)
    overdue = waiting.filter(
        (emergency & Q(emergency_deadline__lt=now)) | (review & Q(reported_at__date__lte=cutoff))
    ).count()
    return Work(count=waiting.count(), overdue=overdue)


def to_investigate(user, *, today: datetime.date) -> Work:
    """支出型 cases for the caseworker to investigate; overdue: not started within its working
    days, or not ready for the township's opinion within its working days."""
    waiting = temporary_cases_for(user).filter(
        kind=TemporaryKind.EXPENDITURE, status__in=[TemporaryStatus.SUBMITTED, TemporaryStatus.INVESTIGATING]
    )
    calendar = WorkingCalendar()
    start = calendar.last_overdue_start(days=_days(calendar, "investigation_start_days", today), today=today)
    opinion = calendar.last_overdue_start(days=_days(calendar, "township_opinion_days", today), today=today)
    overdue = waiting.filter(
        Q(status=TemporaryStatus.SUBMITTED, reported_at__date__lte=start) | Q(reported_at__date__lte=opinion)
    ).count()
    return Work(count=waiting.count(), overdue=overdue)


def payable_one_offs(*, granted_before: datetime.date) -> QuerySet[TemporaryPayment]:
    """The one-off payments still owed of cash grants decided before `granted_before` (the
    payments put them into a monthly batch; in-kind grants owe no payment)."""
    return TemporaryPayment.objects.filter(
        status=TemporaryPayment.Status.OWED,
        case__status=TemporaryStatus.GRANTED,
        case__form=GrantForm.CASH,
        case__decided_at__date__lt=granted_before,
    )

"""Reads of applications and benefits, scoped to what the user may see."""

import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from assessments.models import Assessment
from assessments.selectors import departmental_records, signed_visit
from households.models import Relationship
from households.selectors import households_for
from sunwu_relief import clock
from sunwu_relief.roles import Role, is_county_wide, role_of

from .deadlines import (  # noqa: F401  (re-exported)
    WorkingCalendar,
    application_deadlines,
    deadlines_of,
    open_and_overdue,
    overdue_of,
    standard_for,
    working_day_deadline,
)
from .models import (
    COVERED_STATUSES,
    RUNNING_STATUSES,
    Application,
    Benefit,
    BenefitStatus,
    Holiday,
    Objection,
    Programme,
    PublicNotice,
    StopNotice,
    Transition,
    WrittenNotice,
)
from .notice_numbers import written_notice_number, written_notice_numbers  # noqa: F401  (re-exported)
from .rules import policy_number

CASE_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, Role.AUDITOR})


def applications_for(user) -> QuerySet[Application]:
    """Applications of the households the user may see; the poverty office sees none."""
    if role_of(user) not in CASE_ROLES:
        return Application.objects.none()
    if is_county_wide(user):
        # Every application has a household and the county sees them all: no semi-join over
        # the registry (a county's counts of its queues read 46,700 households each).
        return Application.objects.all()
    return Application.objects.filter(household__in=households_for(user))


def application_details_for(user) -> QuerySet[Application]:
    """The user's applications with what a case page shows preloaded (fetch one with `object_or_404`)."""
    return (
        applications_for(user)
        .select_related("household__township", "household__village", "created_by", "assessment", "single_member")
        .prefetch_related(
            Prefetch("transitions", queryset=Transition.objects.select_related("actor")),
            "evaluations",
            Prefetch("notices", queryset=PublicNotice.objects.prefetch_related("objections")),
            "county_visits__visitors",
            "written_notices",
        )
    )


def current_notice(application: Application) -> PublicNotice | None:
    """The application's public notice in force (not superseded by a re-publication), if any."""
    return application.notices.filter(superseded=False).first()


def benefits_for(user) -> QuerySet[Benefit]:
    if role_of(user) is None:
        return Benefit.objects.none()
    if is_county_wide(user):
        return Benefit.objects.all()  # as applications_for: every benefit has a household
    return Benefit.objects.filter(household__in=households_for(user))


def running_benefits() -> QuerySet[Benefit]:
    return Benefit.objects.filter(status__in=RUNNING_STATUSES)


def notices_for(user, *, village_id: int | None = None, on: datetime.date | None = None) -> QuerySet[PublicNotice]:
    queryset = PublicNotice.objects.filter(application__in=applications_for(user), superseded=False)
    if village_id is not None:
        queryset = queryset.filter(village_id=village_id)
    if on is not None:
        queryset = queryset.filter(starts_on__lte=on, ends_on__gte=on)
    return queryset.select_related("application__household__village")


def _minor_age(calendar: "WorkingCalendar | None", on: datetime.date) -> int:
    standard = (calendar or WorkingCalendar()).standard(Programme.TEKUN, on.year)
    return policy_number("notice_minor_age", standard=standard)


def board_notices_for(user, *, village_id: int | None = None, on: datetime.date) -> list[PublicNotice]:
    """The village board's running notices: as `notices_for`, without the 特困 cases of minors
    (the age threshold is the 特困 standard's `notice_minor_age`)."""
    minor_age = _minor_age(None, on)
    notices = notices_for(user, village_id=village_id, on=on).select_related("application__single_member")
    return [
        n
        for n in notices.order_by("application__household__village__name", "id")
        if not (
            n.application.programme == Programme.TEKUN
            and n.application.single_member is not None
            and n.application.single_member.age_on(on) < minor_age
        )
    ]


def stop_notices_for(user, *, village_id: int | None = None, on: datetime.date) -> list[StopNotice]:
    """Running public notices of proposed 特困 stops (minors not listed)."""
    minor_age = _minor_age(None, on)
    queryset = (
        StopNotice.objects.filter(
            benefit__in=benefits_for(user), status=StopNotice.Status.RUNNING, starts_on__lte=on, ends_on__gte=on
        )
        .select_related("benefit__household__village")
        .prefetch_related("benefit__covered_members")
    )
    if village_id is not None:
        queryset = queryset.filter(village_id=village_id)
    return [
        n
        for n in queryset.order_by("village_id", "id")
        if all(m.age_on(on) >= minor_age for m in n.benefit.covered_members.all())
    ]


def state_in_month(benefit: Benefit, month: datetime.date) -> tuple[str, Decimal]:
    """(status, amount) of the decision in force in `month` (prefetch `changes`); before the
    benefit starts, not paid."""
    decision = benefit.decision_in(month)
    if decision is None:
        return "", Decimal("0")
    return decision.new_status, decision.new_amount


def standing_list_for(user, *, village_id: int | None = None, on: datetime.date) -> list[dict]:
    """长期公示: the households receiving 低保 or 特困 support, with only the fields a notice may
    show (village, name, household size, programme, monthly amount); 特困 minors not listed."""
    minor_age = _minor_age(None, on)
    month = on.replace(day=1)
    queryset = (
        benefits_for(user)
        .filter(status__in=[*COVERED_STATUSES, BenefitStatus.STOPPED], programme__in=[Programme.DIBAO, Programme.TEKUN])
        .select_related("household__village", "application")
        .prefetch_related("covered_members", "household__members", "changes")
        .order_by("household__village__township__code", "household__village__name", "household__number", "programme")
    )
    if village_id is not None:
        queryset = queryset.filter(household__village_id=village_id)
    rows = []
    for benefit in queryset:
        # The decision in force this month (or in the first month paid, for one approved just now).
        status, amount = state_in_month(benefit, max(month, benefit.start_month))
        if status not in COVERED_STATUSES:
            continue
        covered = list(benefit.covered_members.all())
        if benefit.programme == Programme.TEKUN and any(m.age_on(on) < minor_age for m in covered):
            continue
        if benefit.application is not None:
            name = benefit.application.applicant_name
        else:
            head = next((m for m in benefit.household.members.all() if m.relationship == Relationship.HEAD), None)
            name = head.name if head else ""
        rows.append(
            {
                "village": benefit.household.village.name,
                "name": name,
                "household_size": benefit.covered_count,
                "programme": benefit.get_programme_display(),
                "monthly_amount": amount,
                "start_month": benefit.start_month,
            }
        )
    return rows


def undelivered_notices_for(user, *, on: datetime.date, overdue_only: bool = False) -> QuerySet[WrittenNotice]:
    """Written notices not yet delivered (送达), the oldest first; `overdue_only`: past their due day."""
    queryset = written_notices_for(user).filter(delivered_on__isnull=True)
    if overdue_only:
        queryset = queryset.filter(due_on__lt=on)
    return queryset.select_related("household__village").order_by("due_on", "id")


def finished_assessments(household) -> QuerySet[Assessment]:
    """The household's finished assessments, the latest first: what a benefit decision may rest on."""
    return Assessment.objects.filter(household=household, status=Assessment.Status.FINISHED).order_by("-finished_at")


def objections_for(user) -> QuerySet[Objection]:
    return Objection.objects.filter(notice__application__in=applications_for(user))


def written_notices_for(user) -> QuerySet[WrittenNotice]:
    return WrittenNotice.objects.filter(household__in=households_for(user))


def holiday_years_covered() -> list[int]:
    """The years the holiday calendar has days for (the State Council publishes each year's
    schedule late in the year before; a year without days counts weekends only)."""
    return sorted({day.year for day in Holiday.objects.dates("date", "year")})


def years_text(years: list[int]) -> str:
    """[2004, 2005, 2006, 2010] → "2004–2006, 2010"."""
    parts: list[list[int]] = []
    for year in sorted(years):
        if parts and parts[-1][-1] == year - 1:
            parts[-1] = [parts[-1][0], year]
        else:
            parts.append([year])
    return ", ".join("–".join(str(y) for y in (p if p[0] != p[-1] else p[:1])) for p in parts)


def decision_evidence(application: Application) -> dict:
    """Everything a county reviewer decides from, on one screen: who is in the household, what
    they declared and what the departments hold, the visit, the evaluation, the notice and its
    objections, the spot check and the county's own visits. The caller has scoped `application`."""
    household = application.household
    members = list(household.members.order_by("id"))
    assessment = application.assessment
    if assessment is None:
        assessment = Assessment.objects.filter(household=household).order_by("-created", "-id").first()
    incomes = assets = discrepancies = records = []
    visit = None
    if assessment is not None:
        incomes = list(assessment.incomes.select_related("member"))
        assets = list(assessment.assets.select_related("member"))
        discrepancies = list(assessment.discrepancies.select_related("member"))
        records = list(departmental_records([m.id_number for m in members]))
        visit = signed_visit(assessment)
    on = clock.today()
    standard = standard_for(application.programme, on.year)
    spot_check = getattr(application, "spot_check", None) if hasattr(application, "spot_check") else None
    names = {m.id_number: m.name for m in members}
    return {
        "members": [{"member": m, "age": m.age_on(on)} for m in members],
        "assessment": assessment,
        "monthly_standard": standard.monthly_standard if standard else None,
        "incomes": incomes,
        "assets": assets,
        "records": [{"record": r, "member_name": names.get(r.id_number, "")} for r in records],
        "discrepancies": discrepancies,
        "visit": visit,
        "visit_investigators": list(visit.investigators.all()) if visit else [],
        "visit_confirmations": list(visit.confirmations.select_related("investigator")) if visit else [],
        "evaluations": list(application.evaluations.all()),
        "notices": list(application.notices.prefetch_related("objections")),
        "spot_check": spot_check,
        "county_visits": list(application.county_visits.prefetch_related("visitors")),
        "obligors": list(application.obligors.all()) if application.programme == Programme.TEKUN else [],
    }


def dibao_monthly_standard(year: int):
    """The 低保 monthly standard S of a year (None without a standard); for the lower apps."""
    standard = standard_for(Programme.DIBAO, year)
    return standard.monthly_standard if standard is not None else None

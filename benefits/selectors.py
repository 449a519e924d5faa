"""Reads of applications and benefits, scoped to what the user may see."""

import datetime
from contextlib import nullcontext
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from assessments.models import Assessment
from assessments.selectors import departmental_records, signed_visit
from households.models import Member, Relationship, Village
from households.selectors import households_for
from sunwu_relief import clock
from sunwu_relief.expressions import among
from sunwu_relief.pg import without_jit
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
    BenefitChange,
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
from .states import decisions_in_force

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


def minor_birth_cutoff(on: datetime.date, age: int) -> datetime.date:
    """The last birth date of a person `age` years old or more on `on` (`Member.age_on`'s rule):
    whoever is born after it is younger (born on 29 February: of age on 1 March in other years)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # `on` is 29 February, `age` years before has none
        return on.replace(year=on.year - age, day=28)


STANDING_PROGRAMMES = (Programme.DIBAO, Programme.TEKUN)
# 长期公示's order: by township, village, household, programme (then as created, for two 特困 of a household).
STANDING_ORDER = (
    "household__village__township__code",
    "household__village__name",
    "household__number",
    "programme",
    "pk",
)


def minor_cutoff(on: datetime.date) -> datetime.date:
    """The birth date after which a person is a minor on 特困 notices (`notice_minor_age`) on `on`."""
    # The standard alone (`_minor_age` loads a working calendar, holidays and all, for it).
    return minor_birth_cutoff(on, policy_number("notice_minor_age", standard=standard_for(Programme.TEKUN, on.year)))


def _standing_benefits(user, *, born_after: datetime.date) -> QuerySet[Benefit]:
    """The benefits 长期公示 may list: 低保 and 特困 of the user's scope, covered or stopped by their
    status (whether they are listed is their decision's, `_listed_decisions`); not a 特困 benefit
    covering a current member under the 特困 standard's `notice_minor_age` (born after the cut-off)."""
    minors = Member.objects.filter(benefits_covering=OuterRef("pk"), birth_date__gt=born_after)
    return (
        benefits_for(user)
        .filter(status__in=[*COVERED_STATUSES, BenefitStatus.STOPPED], programme__in=STANDING_PROGRAMMES)
        .filter(~Q(programme=Programme.TEKUN) | ~Exists(minors))
    )


def _listed_decisions(benefits: QuerySet[Benefit], *, on: datetime.date) -> QuerySet[BenefitChange]:
    """Of `benefits`, the decision in force this month (or in the first month, for one that starts
    later: `state_in_month`'s rule) of those it lists: in a covered status."""
    return decisions_in_force(benefits, month=on, not_before_start=True).filter(new_status__in=COVERED_STATUSES)


def standing_list_for(
    user, *, village_id: int | None = None, on: datetime.date, born_after: datetime.date | None = None
) -> list[dict]:
    """长期公示: the households receiving 低保 or 特困 support, with only the fields a notice may
    show (village, name: the applicant's or else the head's, persons covered, programme, monthly
    amount, since), as plain rows in two queries: the benefits, then the decisions in force of
    those (by their ids: over the whole scope's decisions the planner hashes all of them, 30-70 ms
    for one village)."""
    benefits = _standing_benefits(user, born_after=born_after or minor_cutoff(on))
    if village_id is not None:
        benefits = benefits.filter(household__village_id=village_id)
    # The head: one current member at most (a unique index says so).
    head = Member.objects.filter(household=OuterRef("household_id"), relationship=Relationship.HEAD)
    name = Coalesce("application__applicant_name", Subquery(head.order_by().values("name")[:1]), Value(""))
    # A whole scope's rows (the download) cost PostgreSQL more than its `jit_above_cost`: compiling
    # took 750 ms of a county's 1.2 s.
    with without_jit(Benefit) if village_id is None else nullcontext():
        candidates = list(
            benefits.order_by(*STANDING_ORDER)
            .annotate(shown_name=name)
            .values_list("pk", "household__village__name", "shown_name", "covered_count", "programme", "start_month")
        )
        if not candidates:
            return []
        ids = Benefit.objects.filter(pk__in=among([row[0] for row in candidates], "integer"))
        amounts = dict(_listed_decisions(ids, on=on).order_by().values_list("benefit_id", "new_amount"))
    labels = {value: str(label) for value, label in Programme.choices}
    return [
        {
            "village": village,
            "name": shown_name,
            "household_size": covered_count,
            "programme": labels.get(programme, programme),
            "monthly_amount": amounts[pk],
            "start_month": start_month,
        }
        for pk, village, shown_name, covered_count, programme, start_month in candidates
        if pk in amounts
    ]


def standing_page_for(
    user, villages: QuerySet[Village], *, village: Village | None, on: datetime.date
) -> tuple[Village | None, list[dict]]:
    """(the village shown, its rows) of a printed 长期公示: `village`, else the first of `villages`
    (in the list's order) with rows. That one is asked in a cheap query first, the first village
    with a benefit that may be listed (one index probe per village); only when none of its
    benefits is listed after all, the exact question (EXISTS over the scope's decisions in
    force: a join over the whole county's, 70 ms)."""
    born_after = minor_cutoff(on)
    if village is not None:
        return village, standing_list_for(user, village_id=village.pk, on=on, born_after=born_after)
    ordered = villages.order_by("township__code", "name", "pk")
    benefits = _standing_benefits(user, born_after=born_after)
    candidate = ordered.filter(Exists(benefits.filter(household__village_id=OuterRef("pk")))).first()
    if candidate is None:
        return None, []
    rows = standing_list_for(user, village_id=candidate.pk, on=on, born_after=born_after)
    if rows:
        return candidate, rows
    listed = _listed_decisions(benefits, on=on).filter(benefit__household__village_id=OuterRef("pk"))
    village = ordered.filter(Exists(listed)).first()
    if village is None:
        return None, []
    return village, standing_list_for(user, village_id=village.pk, on=on, born_after=born_after)


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

"""Reads of complaints, scoped; the reporter's identity for county staff only.

Township staff see their township's complaints, except those about a member of staff (the county
handles those); county staff see all. The poverty office sees none.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from benefits.models import Application
from households.models import Household
from sunwu_relief import clock
from sunwu_relief.errors import Problem
from sunwu_relief.roles import TOWNSHIP_ROLES, Role, role_of, township_id_of

from .models import OPEN_STATUSES, Complaint, ComplaintStatus

COUNTY_HANDLERS = frozenset({Role.BUREAU_REVIEWER, Role.AUDITOR})


def sees_reporter(user) -> bool:
    """Only county staff see who reported (township staff, even the one who took the call, do not)."""
    return role_of(user) in COUNTY_HANDLERS


def complaints_for(user) -> QuerySet[Complaint]:
    role = role_of(user)
    if role in COUNTY_HANDLERS:
        return Complaint.objects.all()
    if role in TOWNSHIP_ROLES and township_id_of(user) is not None:
        return Complaint.objects.filter(township_id=township_id_of(user), about_staff__isnull=True)
    return Complaint.objects.none()


def complaint_list(user) -> QuerySet[Complaint]:
    return complaints_for(user).select_related("township", "household", "assigned_to")


def complaint_detail(user, *, pk: int) -> Complaint:
    """Raises Complaint.DoesNotExist outside the scope."""
    return (
        complaints_for(user)
        .select_related("township", "household__village", "application", "assigned_to", "about_staff", "recorded_by")
        .prefetch_related("events__actor")
        .get(pk=pk)
    )


def reporter_for(user, complaint: Complaint) -> dict:
    """What the page may show of the reporter: {"shown": bool, "anonymous": bool, "name", "contact"}."""
    if complaint.anonymous and not complaint.reporter_contact:
        return {"shown": False, "anonymous": True, "name": "", "contact": ""}
    if not sees_reporter(user):
        return {"shown": False, "anonymous": complaint.anonymous, "name": "", "contact": ""}
    return {
        "shown": True,
        "anonymous": complaint.anonymous,
        "name": "" if complaint.anonymous else complaint.reporter_name,
        "contact": complaint.reporter_contact,
    }


def overdue(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Open, not answered, past the answer deadline."""
    return queryset.filter(
        status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING, ComplaintStatus.INVESTIGATED],
        answer_due__lt=clock.today(),
    )


def open_complaints_about(application: Application) -> QuerySet[Complaint]:
    """Open complaints about the case or its household."""
    return Complaint.objects.filter(
        Q(application_id=application.pk) | Q(household_id=application.household_id), status__in=OPEN_STATUSES
    )


def spot_check_reasons(application: Application) -> list[str]:
    """For the spot-check draw: a household with an open complaint is always in the sample."""
    if open_complaints_about(application).exists():
        return [_("open complaint (举报) about the household")]
    return []


def spot_check_reasons_for(
    candidates: list[tuple[int, int]], scope: QuerySet[Application] | None = None
) -> dict[int, list[str]]:
    """`spot_check_reasons` of many applications at once ((application id, household id) pairs):
    {application id: reasons}, in one query. `scope`: a query of the same applications, read by
    the database instead of lists of their ids."""
    if scope is None:
        about = Q(application_id__in={pk for pk, _household in candidates}) | Q(
            household_id__in={household for _pk, household in candidates}
        )
    else:
        about = Q(application_id__in=scope.values("pk")) | Q(household_id__in=scope.values("household_id"))
    about_application, about_household = set(), set()
    for application_id, household_id in Complaint.objects.filter(about, status__in=OPEN_STATUSES).values_list(
        "application_id", "household_id"
    ):
        about_application.add(application_id)
        about_household.add(household_id)
    reason = _("open complaint (举报) about the household")
    return {
        pk: [reason] if pk in about_application or household in about_household else [] for pk, household in candidates
    }


def approval_problems(application: Application) -> list[str]:
    """The county approval guard (benefits.hooks): every open complaint about the case or its
    household needs a county home visit recorded after it was received."""
    complaints = list(open_complaints_about(application).order_by("recorded_at"))
    if not complaints:
        return []
    latest = complaints[-1].recorded_at
    if application.county_visits.filter(created__gte=latest).exists():
        return []
    return [
        Problem(
            "complaint.county_visit_required",
            _("An open complaint (举报) concerns this household: the county visits it before the decision."),
        )
    ]


def households_needing_review() -> QuerySet[Household]:
    """Households with an upheld complaint whose assistance has not been reviewed since: the hook
    for the dynamic-management review (`services.complaint_review_recorded` marks one done)."""
    return Household.objects.filter(
        complaints__review_required=True, complaints__review_recorded_at__isnull=True
    ).distinct()


def complaints_needing_review(household: Household) -> QuerySet[Complaint]:
    return Complaint.objects.filter(household=household, review_required=True, review_recorded_at__isnull=True)


def assignable_staff(township_id: int | None):
    """Who may investigate a complaint: county staff, and the township's own staff."""
    staff = Q(staff_profile__role__in=[Role.BUREAU_REVIEWER, Role.AUDITOR])
    if township_id is not None:
        staff |= Q(
            staff_profile__township_id=township_id,
            staff_profile__role__in=[Role.CASEWORKER, Role.TOWNSHIP_REVIEWER],
        )
    return get_user_model().objects.filter(staff, is_active=True).order_by("username")

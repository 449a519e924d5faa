"""Every read of assessment data a user may make, scoped like households_for (outside → 404)."""

from django.db.models import Count, Prefetch, QuerySet

from households.models import Member
from households.selectors import households_for, members_for
from sunwu_relief.models import Job
from sunwu_relief.roles import township_id_of

from .models import (
    Assessment,
    AssetDeclaration,
    Authorisation,
    DepartmentRecord,
    HouseholdVisit,
    IncomeDeclaration,
    LabourAssessment,
    PolicyLimits,
    VisitAttachment,
)

# The kinds of this app's job records (sunwu_relief.jobs).
DEPARTMENT_IMPORT_JOB = "department_import"
CROSS_CHECK_JOB = "assessments.cross_check_township"


def assessments_for(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(household__in=households_for(user))


def visits_for(user) -> QuerySet[HouseholdVisit]:
    return HouseholdVisit.objects.filter(assessment__in=assessments_for(user))


def labour_assessments_for(user) -> QuerySet[LabourAssessment]:
    return LabourAssessment.objects.filter(member__in=members_for(user))


def assessment_details_for(user) -> QuerySet[Assessment]:
    """The assessments the user may see, with what one assessment's page shows preloaded."""
    return (
        assessments_for(user)
        .select_related("household__township", "household__village", "created_by", "finished_by")
        .prefetch_related(
            "incomes__member",
            "assets__member",
            "authorisations__recorded_by",
            "discrepancies__member",
            "discrepancies__record",
            Prefetch(
                "visits",
                queryset=HouseholdVisit.objects.prefetch_related("investigators", "attachments").select_related(
                    "signed_by", "supersedes"
                ),
            ),
        )
    )


def assessment_detail(user, *, pk: int) -> Assessment:
    """One assessment with what its page shows; raises Assessment.DoesNotExist outside the scope."""
    return assessment_details_for(user).get(pk=pk)


def declarations_for(user, *, kind: str) -> QuerySet[IncomeDeclaration] | QuerySet[AssetDeclaration] | None:
    """The income (`kind="income"`) or asset (`"asset"`) declarations of the assessments the user
    may see; None for another kind."""
    model = {"income": IncomeDeclaration, "asset": AssetDeclaration}.get(kind)
    return None if model is None else model.objects.filter(assessment__in=assessments_for(user))


def authorisations_for(user) -> QuerySet[Authorisation]:
    return Authorisation.objects.filter(assessment__in=assessments_for(user))


def visit_attachments_for(user) -> QuerySet[VisitAttachment]:
    return VisitAttachment.objects.filter(visit__in=visits_for(user))


def signed_visit(assessment: Assessment) -> HouseholdVisit | None:
    """The latest signed visit of the assessment with at least two investigators."""
    return (
        HouseholdVisit.objects.filter(assessment=assessment, signed_at__isnull=False)
        .annotate(n_investigators=Count("investigators"))
        .filter(n_investigators__gte=2)
        .order_by("-signed_at", "-id")
        .first()
    )


def open_assessment(household) -> Assessment | None:
    return Assessment.objects.filter(household=household, status=Assessment.Status.OPEN).first()


def departmental_records(id_numbers: list[str]) -> QuerySet[DepartmentRecord]:
    """Unscoped: the caller has already scoped the members whose ID numbers these are."""
    return DepartmentRecord.objects.filter(id_number__in=id_numbers).select_related("imported")


def members_with_labour(household) -> QuerySet[Member]:
    return household.members.order_by("id").prefetch_related(
        Prefetch("labour_assessments", queryset=LabourAssessment.objects.select_related("recorded_by"))
    )


def limits_for_year(year: int) -> PolicyLimits | None:
    """The limits of the year, or of the latest earlier year when the bureau has not set them yet."""
    return PolicyLimits.objects.filter(year__lte=year).order_by("-year").first()


# The 低保 monthly standard lives in the higher `benefits` app; it registers where to read it
# (dependencies run one way), so that the verification form prints income against the standard.
_standard_provider = None


def register_standard_provider(provider) -> None:
    global _standard_provider
    _standard_provider = provider


def monthly_standard_for(year: int):
    """The 低保 monthly standard S per person of a year, or None when no provider or standard."""
    return _standard_provider(year) if _standard_provider is not None else None


def department_import_jobs() -> QuerySet[Job]:
    """Uploaded departmental files and what became of them (county-wide: the bureau's imports)."""
    return Job.objects.filter(kind=DEPARTMENT_IMPORT_JOB)


def cross_check_jobs_for(user) -> QuerySet[Job]:
    """The township cross-check jobs of the user's own township."""
    return Job.objects.filter(kind=CROSS_CHECK_JOB, township_id=township_id_of(user))

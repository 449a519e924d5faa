"""Opening and finishing an investigation (N1: no entry without investigation)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household
from households.services import require_registry_editor
from sunwu_relief.audit import record_event
from sunwu_relief.errors import WorkflowError

from ..events import AssessmentEvent
from ..models import Assessment, AssetDeclaration, IncomeDeclaration
from ..selectors import open_assessment, signed_visit
from .cross_check import cross_check
from .economics import economic_result


@transaction.atomic
def assessment_start(*, actor, household: Household) -> Assessment:
    """Open an investigation; the open one when there is one already. Declarations of the last
    finished assessment are copied as the starting point for the members still in the household."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_registry_editor(actor, township_id=household.township_id)
    current = open_assessment(household)
    if current is not None:
        return current
    previous = household.assessments.filter(status=Assessment.Status.FINISHED).order_by("-finished_at").first()
    assessment = Assessment(household=household, created_by=actor)
    assessment._history_user = actor
    assessment.save()
    if previous is not None:
        member_ids = set(household.members.values_list("pk", flat=True))
        for income in previous.incomes.filter(member_id__in=member_ids):
            IncomeDeclaration.objects.create(
                assessment=assessment,
                member_id=income.member_id,
                kind=income.kind,
                monthly_amount=income.monthly_amount,
                note=income.note,
            )
        for asset in previous.assets.filter(member_id__in=member_ids):
            AssetDeclaration.objects.create(
                assessment=assessment,
                member_id=asset.member_id,
                kind=asset.kind,
                quantity=asset.quantity,
                area=asset.area,
                value=asset.value,
                description=asset.description,
            )
    record_event(
        actor=actor,
        action=AssessmentEvent.ASSESSMENT_START,
        obj=assessment,
        township_id=household.township_id,
        household=household.pk,
        copied_from=previous.pk if previous else None,
    )
    return assessment


@transaction.atomic
def assessment_finish(*, actor, assessment: Assessment) -> Assessment:
    """Cross-check once more, compute the result and freeze it (N1: no entry without investigation)."""
    assessment = Assessment.objects.select_for_update().select_related("household").get(pk=assessment.pk)
    require_registry_editor(actor, township_id=assessment.household.township_id)
    if not assessment.is_open:
        return assessment
    if signed_visit(assessment) is None:
        raise WorkflowError(
            _("A household visit by at least two investigators, signed by them and the household, is required.")
        )
    if not assessment.authorisations.exists():
        raise WorkflowError(_("The applicant's signed authorisation to check the family's finances is required."))
    cross_check(actor=actor, assessment=assessment)
    result = economic_result(assessment)
    assessment.status = Assessment.Status.FINISHED
    assessment.finished_at = timezone.now()
    assessment.finished_by = actor
    assessment.members_count = result.members
    assessment.monthly_income = result.income.monthly_income
    assessment.per_capita_income = result.income.per_capita_income
    assessment.assets_within_limits = result.assets.within_limits
    assessment.asset_reasons = result.assets.reasons
    assessment.explanation = result.explanation
    assessment.policy_year = result.limits.year
    assessment.policy_numbers = result.limits.as_dict()
    assessment._history_user = actor
    assessment.save()
    record_event(
        actor=actor,
        action=AssessmentEvent.ASSESSMENT_FINISH,
        obj=assessment,
        township_id=assessment.household.township_id,
        per_capita_income=assessment.per_capita_income,
        assets_within_limits=assessment.assets_within_limits,
    )
    return assessment

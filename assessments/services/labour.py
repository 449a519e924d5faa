"""The health department's labour-capacity assessments, and the bureau's policy limits."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from households.models import Classification, LabourCapacity, Member
from households.services import household_classify, require_registry_editor
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import InvalidInput
from sunwu_relief.roles import Role

from ..events import AssessmentEvent
from ..models import IncomeKind, LabourAssessment, PolicyLimits
from .common import check_document


@transaction.atomic
def labour_assessment_record(
    *, actor, member: Member, result: str, assessed_on: datetime.date, document=None
) -> LabourAssessment:
    """Record the health department's assessment, keep the registry's labour capacity in step
    and recompute the household's classification."""
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    require_registry_editor(actor, township_id=member.household.township_id)
    errors = {}
    if result not in LabourCapacity.values:
        errors["result"] = [_("Unknown labour-capacity result.")]
    if assessed_on > clock.today():
        errors["assessed_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if document:
        check_document(document, field="document")
    record = LabourAssessment(member=member, result=result, assessed_on=assessed_on, recorded_by=actor)
    if document:
        record.document = document
    record._history_user = actor
    record.save()
    latest = member.labour_assessments.order_by("-assessed_on", "-id").first()
    if latest.pk == record.pk and member.labour_capacity != result:
        old = member.labour_capacity
        member.labour_capacity = result
        member._history_user = actor
        member.save(update_fields=["labour_capacity", "updated"])
        record_event(
            actor=actor,
            action=AssessmentEvent.MEMBER_LABOUR_CAPACITY,
            obj=member,
            township_id=member.household.township_id,
            changes={"labour_capacity": [old, result]},
        )
    record_event(
        actor=actor,
        action=AssessmentEvent.LABOUR_ASSESSMENT_RECORD,
        obj=record,
        township_id=member.household.township_id,
        member=member.pk,
        result=result,
    )
    # `key` depends on 特困 support, which only the benefits workflow knows: it recomputes those.
    if member.household.classification != Classification.KEY:
        household_classify(actor=actor, household=member.household)
    return record


# --- policy data -----------------------------------------------------------------------------


@transaction.atomic
def policy_limits_save(*, actor, limits: PolicyLimits) -> PolicyLimits:
    """The bureau edits a year's limits (admin); unknown income kinds are refused."""
    if not getattr(actor, "is_superuser", False):  # the operator's superuser may edit them too
        require(
            actor,
            roles={Role.BUREAU_REVIEWER},
            allow_system=False,
            message=_("Only the county bureau edits the policy limits."),
        )
    unknown = sorted(set(limits.excluded_income_kinds) - set(IncomeKind.values))
    if unknown:
        raise InvalidInput(
            field_errors={
                "excluded_income_kinds": [_("Unknown income kinds: %(kinds)s") % {"kinds": ", ".join(unknown)}]
            }
        )
    limits._history_user = actor
    limits.save()
    record_event(actor=actor, action=AssessmentEvent.POLICY_LIMITS_SAVE, obj=limits, year=limits.year)
    return limits

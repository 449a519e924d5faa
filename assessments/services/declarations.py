"""The declarations of an open assessment (income, assets) and the signed authorisation."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from households.models import Member
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, WorkflowError

from ..events import AssessmentEvent
from ..models import Assessment, AssetDeclaration, AssetKind, Authorisation, IncomeDeclaration, IncomeKind
from .common import check_document, ensure_member, lock_open_assessment


@transaction.atomic
def income_add(
    *, actor, assessment: Assessment, member: Member, kind: str, monthly_amount: Decimal, note: str = ""
) -> IncomeDeclaration:
    assessment = lock_open_assessment(actor=actor, assessment=assessment)
    ensure_member(assessment, member)
    if kind not in IncomeKind.values:
        raise InvalidInput(field_errors={"kind": [_("Unknown kind of income.")]})
    if monthly_amount is None or monthly_amount < 0:
        raise InvalidInput(field_errors={"monthly_amount": [_("The amount cannot be negative.")]})
    income = IncomeDeclaration(
        assessment=assessment, member=member, kind=kind, monthly_amount=monthly_amount, note=note.strip()
    )
    income._history_user = actor
    income.save()
    record_event(
        actor=actor,
        action=AssessmentEvent.INCOME_ADD,
        obj=assessment,
        township_id=assessment.household.township_id,
        member=member.pk,
        kind=kind,
        monthly_amount=monthly_amount,
    )
    return income


@transaction.atomic
def asset_add(
    *,
    actor,
    assessment: Assessment,
    member: Member,
    kind: str,
    quantity: Decimal = Decimal("1"),
    area: Decimal | None = None,
    value: Decimal | None = None,
    description: str = "",
) -> AssetDeclaration:
    assessment = lock_open_assessment(actor=actor, assessment=assessment)
    ensure_member(assessment, member)
    if kind not in AssetKind.values:
        raise InvalidInput(field_errors={"kind": [_("Unknown kind of asset.")]})
    errors = {}
    for name, number in (("quantity", quantity), ("area", area), ("value", value)):
        if number is not None and number < 0:
            errors[name] = [_("The number cannot be negative.")]
    if kind == AssetKind.DEPOSITS and value is None:
        errors["value"] = [_("Give the amount of the deposits or securities.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    asset = AssetDeclaration(
        assessment=assessment,
        member=member,
        kind=kind,
        quantity=quantity if quantity is not None else Decimal("1"),
        area=area,
        value=value,
        description=description.strip(),
    )
    asset._history_user = actor
    asset.save()
    record_event(
        actor=actor,
        action=AssessmentEvent.ASSET_ADD,
        obj=assessment,
        township_id=assessment.household.township_id,
        member=member.pk,
        kind=kind,
    )
    return asset


@transaction.atomic
def declaration_remove(*, actor, declaration: IncomeDeclaration | AssetDeclaration) -> Assessment:
    assessment = lock_open_assessment(actor=actor, assessment=declaration.assessment)
    # Under the assessment's lock: a second remover (the same page open twice) waited for the first.
    if not type(declaration).objects.filter(pk=declaration.pk).exists():
        raise WorkflowError(_("This declaration has already been removed."), code="assessment.declaration_gone")
    declaration._history_user = actor
    record_event(
        actor=actor,
        action=AssessmentEvent.DECLARATION_REMOVE,
        obj=assessment,
        township_id=assessment.household.township_id,
        model=declaration._meta.model_name,
        kind=declaration.kind,
        member=declaration.member_id,
    )
    declaration.delete()
    return assessment


@transaction.atomic
def authorisation_record(
    *, actor, assessment: Assessment, signed_on: datetime.date, signatory: str, scan
) -> Authorisation:
    assessment = lock_open_assessment(actor=actor, assessment=assessment)
    check_document(scan, field="scan")
    if not signatory.strip():
        raise InvalidInput(field_errors={"signatory": [_("Give the name of the person who signed.")]})
    if signed_on > clock.today():
        raise InvalidInput(field_errors={"signed_on": [_("The date cannot be in the future.")]})
    record = Authorisation(assessment=assessment, signed_on=signed_on, signatory=signatory.strip(), recorded_by=actor)
    record.scan = scan
    record._history_user = actor
    record.save()
    record_event(
        actor=actor, action=AssessmentEvent.AUTHORISATION, obj=assessment, township_id=assessment.household.township_id
    )
    return record

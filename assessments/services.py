"""Every write of the economic-status check: locked, guarded, audited, with history."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.classification import household_classify
from households.models import Classification, Household, LabourCapacity, Member
from households.services import ensure_can_edit
from sunwu_relief import clock
from sunwu_relief.audit import record_event
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from sunwu_relief.jobs import job_create, job_enqueue
from sunwu_relief.models import Job
from sunwu_relief.roles import TOWNSHIP_ROLES, Role, role_of, township_id_of

from . import rules
from .models import (
    Assessment,
    AssetDeclaration,
    AssetKind,
    Authorisation,
    DepartmentRecord,
    Discrepancy,
    HouseholdVisit,
    IncomeDeclaration,
    IncomeKind,
    LabourAssessment,
    PolicyLimits,
    Source,
    VisitAttachment,
    VisitConfirmation,
)
from .selectors import limits_for_year, open_assessment, signed_visit

MAX_UPLOAD = 10 * 1024 * 1024
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def check_document(upload, *, field: str = "file") -> None:
    """A scan or photo: PDF, JPEG or PNG by content, at most 10 MiB."""
    name = (getattr(upload, "name", "") or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if upload is None or suffix not in _MAGIC:
        raise InvalidInput(field_errors={field: [_("Upload a PDF, JPEG or PNG file.")]})
    if upload.size > MAX_UPLOAD:
        raise InvalidInput(field_errors={field: [_("The file is larger than 10 MB.")]})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[suffix]):
        raise InvalidInput(field_errors={field: [_("The file's content does not match its type.")]})


def _lock_open(*, actor, assessment: Assessment) -> Assessment:
    """Lock the assessment, check that the actor may edit it and that it is still open."""
    assessment = Assessment.objects.select_for_update().select_related("household").get(pk=assessment.pk)
    ensure_can_edit(actor=actor, household=assessment.household)
    if not assessment.is_open:
        raise WorkflowError(_("This investigation is finished and cannot change; start a new assessment."))
    return assessment


def _ensure_member(assessment: Assessment, member: Member) -> None:
    if member.household_id != assessment.household_id:
        raise InvalidInput(field_errors={"member": [_("This person is not a member of the household.")]})


# --- assessments ---------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, actor, household: Household) -> Assessment:
    """Open an investigation; the open one when there is one already. Declarations of the last
    finished assessment are copied as the starting point for the members still in the household."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    ensure_can_edit(actor=actor, household=household)
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
        action="assessment.start",
        obj=assessment,
        township_id=household.township_id,
        household=household.pk,
        copied_from=previous.pk if previous else None,
    )
    return assessment


@dataclass(frozen=True)
class EconomicResult:
    members: int
    income: rules.IncomeResult
    assets: rules.AssetVerdict
    limits: rules.Limits

    @property
    def explanation(self) -> str:
        verdict = "家庭财产符合规定" if self.assets.within_limits else "家庭财产超出规定"
        return f"{self.income.explanation}\n{verdict}：{'；'.join(self.assets.reasons)}。"


def limits_from(policy: PolicyLimits) -> rules.Limits:
    return rules.Limits(
        year=policy.year,
        excluded_income_kinds=frozenset(policy.excluded_income_kinds),
        employment_deduction=policy.employment_deduction,
        deposits_per_capita_max=policy.deposits_per_capita_max,
        vehicles_max=policy.vehicles_max,
        vehicle_exempt_types=frozenset(policy.vehicle_exempt_types),
        housing_count_max=policy.housing_count_max,
        housing_area_per_capita_max=policy.housing_area_per_capita_max,
        machinery_value_max=policy.machinery_value_max,
        business_allowed=policy.business_allowed,
    )


def asset_facts(assessment: Assessment, members: list[Member]) -> rules.AssetFacts:
    """Declared assets, raised to what the departments hold where they hold more."""
    declared = list(assessment.assets.all())
    records = [r for r in DepartmentRecord.objects.filter(id_number__in=[m.id_number for m in members], active=True)]

    def of(kind: str) -> list[AssetDeclaration]:
        return [a for a in declared if a.kind == kind]

    def registered(source: str) -> list[DepartmentRecord]:
        return [r for r in records if r.source == source]

    notes = []
    vehicle_types = [r.extra.get("type", "") or "机动车" for r in registered(Source.VEHICLE)]
    declared_vehicles = int(sum((a.quantity for a in of(AssetKind.VEHICLE)), Decimal("0")))
    if declared_vehicles > len(vehicle_types):
        vehicle_types += [a.description or "申报车辆" for a in of(AssetKind.VEHICLE)][len(vehicle_types) :]
    housing_count = max(
        int(sum((a.quantity for a in of(AssetKind.HOUSING)), Decimal("0"))), len(registered(Source.HOUSING))
    )
    housing_area = max(
        sum((a.area or Decimal("0") for a in of(AssetKind.HOUSING)), Decimal("0")),
        sum((r.area or Decimal("0") for r in registered(Source.HOUSING)), Decimal("0")),
    )
    machinery_value = max(
        sum((a.value or Decimal("0") for a in of(AssetKind.MACHINERY)), Decimal("0")),
        sum((r.amount or Decimal("0") for r in registered(Source.MACHINERY)), Decimal("0")),
    )
    businesses = max(
        int(sum((a.quantity for a in of(AssetKind.BUSINESS)), Decimal("0"))), len(registered(Source.BUSINESS))
    )
    if records:
        notes.append("已按部门数据核对（取申报与登记中较多者）")
    return rules.AssetFacts(
        deposits=sum((a.value or Decimal("0") for a in of(AssetKind.DEPOSITS)), Decimal("0")),
        vehicle_types=tuple(vehicle_types),
        housing_count=housing_count,
        housing_area=housing_area,
        machinery_value=machinery_value,
        businesses=businesses,
        land_mu=sum((a.quantity for a in of(AssetKind.LAND)), Decimal("0")),
        notes=tuple(notes),
    )


def economic_result(assessment: Assessment, *, today: datetime.date | None = None) -> EconomicResult:
    """The result as it stands now (a preview while open; assessment_finish freezes it)."""
    today = today or clock.today()
    policy = limits_for_year(today.year)
    if policy is None:
        raise WorkflowError(
            _("There are no policy limits for %(year)d; the county bureau must enter them first.")
            % {"year": today.year}
        )
    limits = limits_from(policy)
    members = list(assessment.household.members.order_by("id"))
    if not members:
        raise WorkflowError(_("The household has no members."))
    member_ids = {m.pk for m in members}
    lines = [
        rules.IncomeLine(member_id=i.member_id, kind=i.kind, monthly_amount=i.monthly_amount)
        for i in assessment.incomes.all()
        if i.member_id in member_ids
    ]
    income = rules.countable_income(
        lines,
        members=len(members),
        excluded_kinds=limits.excluded_income_kinds,
        employment_deduction=limits.employment_deduction,
    )
    verdict = rules.assets_verdict(asset_facts(assessment, members), members=len(members), limits=limits)
    return EconomicResult(members=len(members), income=income, assets=verdict, limits=limits)


def member_income(assessment: Assessment, member: Member, *, today: datetime.date | None = None) -> rules.IncomeResult:
    """One member's own countable monthly income in this assessment (特困 and 单人保 count it):
    the same rule as the household's, on that member's declarations only, with the policy numbers
    the result was frozen with (the current ones while the assessment is open)."""
    if assessment.is_open or not assessment.policy_numbers:
        policy = limits_for_year((today or clock.today()).year)
        if policy is None:
            raise WorkflowError(_("There are no policy limits for this year; the county bureau must enter them first."))
        excluded, deduction = frozenset(policy.excluded_income_kinds), policy.employment_deduction
    else:
        numbers = assessment.policy_numbers
        excluded = frozenset(numbers.get("excluded_income_kinds", ()))
        deduction = Decimal(numbers.get("employment_deduction", "0"))
    lines = [
        rules.IncomeLine(member_id=i.member_id, kind=i.kind, monthly_amount=i.monthly_amount)
        for i in assessment.incomes.all()
        if i.member_id == member.pk
    ]
    return rules.countable_income(lines, members=1, excluded_kinds=excluded, employment_deduction=deduction)


@transaction.atomic
def assessment_finish(*, actor, assessment: Assessment) -> Assessment:
    """Cross-check once more, compute the result and freeze it (N1: no entry without investigation)."""
    assessment = Assessment.objects.select_for_update().select_related("household").get(pk=assessment.pk)
    ensure_can_edit(actor=actor, household=assessment.household)
    if not assessment.is_open:
        return assessment
    if signed_visit(assessment) is None:
        raise WorkflowError(
            _("A household visit by at least two investigators, signed by them and the household, is required.")
        )
    if not assessment.authorisations.exists():
        raise WorkflowError(_("The applicant's signed authorisation to check the family's finances is required."))
    _cross_check(actor=actor, assessment=assessment)
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
        action="assessment.finish",
        obj=assessment,
        township_id=assessment.household.township_id,
        per_capita_income=assessment.per_capita_income,
        assets_within_limits=assessment.assets_within_limits,
    )
    return assessment


# --- declarations --------------------------------------------------------------------------


@transaction.atomic
def income_add(
    *, actor, assessment: Assessment, member: Member, kind: str, monthly_amount: Decimal, note: str = ""
) -> IncomeDeclaration:
    assessment = _lock_open(actor=actor, assessment=assessment)
    _ensure_member(assessment, member)
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
        action="assessment.income_add",
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
    assessment = _lock_open(actor=actor, assessment=assessment)
    _ensure_member(assessment, member)
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
        action="assessment.asset_add",
        obj=assessment,
        township_id=assessment.household.township_id,
        member=member.pk,
        kind=kind,
    )
    return asset


@transaction.atomic
def declaration_remove(*, actor, declaration: IncomeDeclaration | AssetDeclaration) -> Assessment:
    assessment = _lock_open(actor=actor, assessment=declaration.assessment)
    declaration._history_user = actor
    record_event(
        actor=actor,
        action="assessment.declaration_remove",
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
    assessment = _lock_open(actor=actor, assessment=assessment)
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
        actor=actor, action="assessment.authorisation", obj=assessment, township_id=assessment.household.township_id
    )
    return record


# --- cross-check ---------------------------------------------------------------------------


def _cross_check(*, actor, assessment: Assessment) -> list[Discrepancy]:
    household = assessment.household
    members = list(household.members.order_by("id"))
    id_numbers = [m.id_number for m in members]
    records = list(DepartmentRecord.objects.filter(id_number__in=id_numbers))
    same_hukou = (
        list(DepartmentRecord.objects.filter(source=Source.HUKOU, label=household.hukou_number, active=True))
        if household.hukou_number
        else []
    )

    def fact(r: DepartmentRecord) -> rules.RecordFact:
        return rules.RecordFact(
            record_id=r.pk,
            source=r.source,
            id_number=r.id_number,
            key=r.key,
            label=r.label,
            amount=r.amount,
            area=r.area,
            active=r.active,
            name=r.name,
            household_key=r.label if r.source == Source.HUKOU else "",
        )

    findings = rules.find_discrepancies(
        members=[rules.MemberFact(member_id=m.pk, name=m.name, id_number=m.id_number) for m in members],
        hukou_number=household.hukou_number,
        incomes=[
            rules.IncomeLine(member_id=i.member_id, kind=i.kind, monthly_amount=i.monthly_amount)
            for i in assessment.incomes.all()
        ],
        assets=[
            rules.DeclaredAsset(member_id=a.member_id, kind=a.kind, quantity=a.quantity, area=a.area)
            for a in assessment.assets.all()
        ],
        records=[fact(r) for r in records],
        same_hukou_records=[fact(r) for r in same_hukou],
    )
    # Discrepancies are derived data: the latest cross-check replaces the previous one.
    assessment.discrepancies.all().delete()
    created = Discrepancy.objects.bulk_create(
        Discrepancy(
            assessment=assessment,
            source=f.source,
            code=f.code,
            severity=f.severity,
            member_id=f.member_id,
            record_id=f.record_id,
            message=f.message,
        )
        for f in findings
    )
    assessment.cross_checked_at = timezone.now()
    assessment._history_user = actor
    assessment.save(update_fields=["cross_checked_at"])
    record_event(
        actor=actor,
        action="assessment.cross_check",
        obj=assessment,
        township_id=household.township_id,
        discrepancies=len(created),
        records=len(records),
    )
    return created


@transaction.atomic
def cross_check(*, actor, assessment: Assessment) -> list[Discrepancy]:
    """Match the departments' records to the members by ID number and list every discrepancy."""
    assessment = _lock_open(actor=actor, assessment=assessment)
    return _cross_check(actor=actor, assessment=assessment)


CROSS_CHECK_JOB = "assessments.cross_check_township"


@transaction.atomic
def cross_check_township_start(*, actor, township) -> Job:
    """Queue the cross-check of every open assessment of the township (a job the UI follows)."""
    if role_of(actor) not in TOWNSHIP_ROLES or township_id_of(actor) != township.pk:
        raise OutOfScope()
    from .tasks import cross_check_township_task

    job = job_create(kind=CROSS_CHECK_JOB, actor=actor, params={"township": township.pk}, township_id=township.pk)
    record_event(actor=actor, action="assessment.cross_check_township", obj=job, township_id=township.pk)
    job_enqueue(job, cross_check_township_task)
    return job


# --- household visits ----------------------------------------------------------------------


@dataclass
class VisitData:
    visit_date: datetime.date
    housing: str = ""
    living_conditions: str = ""
    livestock: str = ""
    equipment: str = ""
    remarks: str = ""
    household_confirmed: bool = False
    household_signatory: str = ""


VISIT_FIELDS = list(VisitData.__dataclass_fields__)


def _check_investigators(household: Household, investigators) -> list:
    investigators = list(investigators)
    wrong = [u for u in investigators if role_of(u) not in TOWNSHIP_ROLES or township_id_of(u) != household.township_id]
    if wrong:
        raise InvalidInput(
            field_errors={"investigators": [_("Investigators must be staff of the household's township.")]}
        )
    if not investigators:
        raise InvalidInput(field_errors={"investigators": [_("Name the investigators.")]})
    return investigators


def _apply_visit(visit: HouseholdVisit, data: VisitData) -> None:
    errors = {}
    if data.visit_date > clock.today():
        errors["visit_date"] = [_("The visit date cannot be in the future.")]
    if data.household_confirmed and not data.household_signatory.strip():
        errors["household_signatory"] = [_("Give the name of the household member who signed.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    for name in VISIT_FIELDS:
        value = getattr(data, name)
        setattr(visit, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def visit_create(*, actor, assessment: Assessment, data: VisitData, investigators) -> HouseholdVisit:
    assessment = _lock_open(actor=actor, assessment=assessment)
    people = _check_investigators(assessment.household, investigators)
    visit = HouseholdVisit(assessment=assessment, created_by=actor)
    _apply_visit(visit, data)
    visit._history_user = actor
    visit.save()
    visit.investigators.set(people)
    record_event(
        actor=actor,
        action="visit.create",
        obj=visit,
        township_id=assessment.household.township_id,
        investigators=[u.pk for u in people],
    )
    return visit


def _lock_visit(*, actor, visit: HouseholdVisit) -> HouseholdVisit:
    visit = HouseholdVisit.objects.select_for_update().select_related("assessment__household").get(pk=visit.pk)
    _lock_open(actor=actor, assessment=visit.assessment)
    return visit


@transaction.atomic
def visit_update(*, actor, visit: HouseholdVisit, data: VisitData, investigators) -> HouseholdVisit:
    visit = _lock_visit(actor=actor, visit=visit)
    if visit.is_signed:
        raise WorkflowError(_("A signed visit cannot be changed; record a correction instead."))
    people = _check_investigators(visit.assessment.household, investigators)
    _apply_visit(visit, data)
    visit._history_user = actor
    visit.save()
    visit.investigators.set(people)
    # A changed record is not what the investigators confirmed: each confirms it again.
    withdrawn = visit.confirmations.count()
    visit.confirmations.all().delete()
    record_event(
        actor=actor,
        action="visit.update",
        obj=visit,
        township_id=visit.assessment.household.township_id,
        confirmations_withdrawn=withdrawn,
    )
    return visit


@transaction.atomic
def visit_attach(*, actor, visit: HouseholdVisit, file, caption: str = "") -> VisitAttachment:
    visit = _lock_visit(actor=actor, visit=visit)
    if visit.is_signed:
        raise WorkflowError(_("A signed visit cannot be changed; record a correction instead."))
    check_document(file)
    attachment = VisitAttachment(visit=visit, caption=caption.strip()[:200], uploaded_by=actor)
    attachment.file = file
    attachment.save()
    record_event(actor=actor, action="visit.attach", obj=visit, township_id=visit.assessment.household.township_id)
    return attachment


@transaction.atomic
def visit_sign(*, actor, visit: HouseholdVisit) -> HouseholdVisit:
    """谁核查、谁签字、谁负责: each of the (at least two) investigators confirms the record under
    their own log-in, with the household's confirmation recorded; when the last one has
    confirmed, the visit is signed and from then on read-only."""
    visit = _lock_visit(actor=actor, visit=visit)
    if visit.is_signed:
        return visit
    investigators = list(visit.investigators.all())
    if len(investigators) < 2:
        raise WorkflowError(
            _("A household visit needs at least two investigators before it can be signed."),
            code="visit.two_investigators",
        )
    if actor not in investigators:
        raise NotAllowed(_("Only one of the visit's investigators may sign it."), code="visit.not_investigator")
    if not visit.household_confirmed:
        raise WorkflowError(
            _("The household has not confirmed the visit record yet."), code="visit.household_not_confirmed"
        )
    _confirmation, created = VisitConfirmation.objects.get_or_create(visit=visit, investigator=actor)
    if created:
        record_event(actor=actor, action="visit.confirm", obj=visit, township_id=visit.assessment.household.township_id)
    confirmed = set(visit.confirmations.values_list("investigator_id", flat=True))
    if not {u.pk for u in investigators} <= confirmed:
        return visit  # waiting for the other investigators' own confirmation
    visit.signed_at = timezone.now()
    visit.signed_by = actor
    visit._history_user = actor
    visit.save(update_fields=["signed_at", "signed_by"])
    record_event(
        actor=actor,
        action="visit.sign",
        obj=visit,
        township_id=visit.assessment.household.township_id,
        investigators=[u.pk for u in investigators],
    )
    return visit


@transaction.atomic
def visit_correct(*, actor, visit: HouseholdVisit) -> HouseholdVisit:
    """A correction of a signed visit: a new, unsigned version that points to the old one."""
    visit = _lock_visit(actor=actor, visit=visit)
    if not visit.is_signed:
        return visit
    existing = visit.superseded_by.filter(signed_at__isnull=True).first()
    if existing is not None:
        return existing
    correction = HouseholdVisit(assessment=visit.assessment, created_by=actor, supersedes=visit)
    for name in VISIT_FIELDS:
        setattr(correction, name, getattr(visit, name))
    correction.household_confirmed = False
    correction.household_signatory = ""
    correction._history_user = actor
    correction.save()
    correction.investigators.set(visit.investigators.all())
    record_event(
        actor=actor,
        action="visit.correct",
        obj=correction,
        township_id=visit.assessment.household.township_id,
        supersedes=visit.pk,
    )
    return correction


# --- labour capacity -----------------------------------------------------------------------


@transaction.atomic
def labour_assessment_record(
    *, actor, member: Member, result: str, assessed_on: datetime.date, document=None
) -> LabourAssessment:
    """Record the health department's assessment, keep the registry's labour capacity in step
    and recompute the household's classification."""
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    ensure_can_edit(actor=actor, household=member.household)
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
            action="member.labour_capacity",
            obj=member,
            township_id=member.household.township_id,
            changes={"labour_capacity": [old, result]},
        )
    record_event(
        actor=actor,
        action="labour_assessment.record",
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
    if role_of(actor) != Role.BUREAU_REVIEWER and not getattr(actor, "is_superuser", False):
        raise NotAllowed(_("Only the county bureau edits the policy limits."))
    unknown = sorted(set(limits.excluded_income_kinds) - set(IncomeKind.values))
    if unknown:
        raise InvalidInput(
            field_errors={
                "excluded_income_kinds": [_("Unknown income kinds: %(kinds)s") % {"kinds": ", ".join(unknown)}]
            }
        )
    limits._history_user = actor
    limits.save()
    record_event(actor=actor, action="assessments.policy_limits_save", obj=limits, year=limits.year)
    return limits

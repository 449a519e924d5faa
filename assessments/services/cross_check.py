"""The cross-check of an assessment against the departments' records, one at a time or for every
open assessment of a township (a job)."""

from django.db import transaction
from django.utils import timezone

from sunwu_relief.audit import record_event
from sunwu_relief.authz import require
from sunwu_relief.errors import OutOfScope
from sunwu_relief.jobs import job_claim, job_create, job_enqueue, job_finish, job_progress
from sunwu_relief.models import Job
from sunwu_relief.roles import TOWNSHIP_ROLES, role_of

from .. import rules
from ..events import AssessmentEvent
from ..models import Assessment, DepartmentRecord, Discrepancy, Source
from ..selectors import CROSS_CHECK_JOB
from .common import lock_open_assessment


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
        action=AssessmentEvent.CROSS_CHECK,
        obj=assessment,
        township_id=household.township_id,
        discrepancies=len(created),
        records=len(records),
    )
    return created


@transaction.atomic
def cross_check(*, actor, assessment: Assessment) -> list[Discrepancy]:
    """Match the departments' records to the members by ID number and list every discrepancy."""
    assessment = lock_open_assessment(actor=actor, assessment=assessment)
    return _cross_check(actor=actor, assessment=assessment)


@transaction.atomic
def cross_check_township_start(*, actor, township) -> Job:
    """Queue the cross-check of every open assessment of the township (a job the UI follows)."""
    # Township staff only, of that township; another place (the county's users too) is not found.
    if role_of(actor) not in TOWNSHIP_ROLES:
        raise OutOfScope()
    require(actor, roles=TOWNSHIP_ROLES, township_id=township.pk, allow_system=False)
    job = job_create(kind=CROSS_CHECK_JOB, actor=actor, params={"township": township.pk}, township_id=township.pk)
    record_event(actor=actor, action=AssessmentEvent.CROSS_CHECK_TOWNSHIP, obj=job, township_id=township.pk)
    job_enqueue(job, "assessments.tasks.cross_check_township_task")
    return job


def cross_check_township_run(*, job_id: int) -> Job | None:
    """The task's body: cross-check every open assessment of the job's township, each in its own
    transaction, for the person who asked (the job's creator, whose scope was checked when the
    job was started). None when the job is gone or already claimed (a redelivered message)."""
    job = job_claim(job_id)
    if job is None:
        return None
    assessments = list(
        Assessment.objects.filter(household__township_id=job.params["township"], status=Assessment.Status.OPEN)
        .select_related("household")
        .order_by("pk")
    )
    job_progress(job, rows_done=0, rows_total=len(assessments))
    found = 0
    errors = []
    for done, assessment in enumerate(assessments, start=1):
        try:
            with transaction.atomic():
                locked = Assessment.objects.select_for_update().select_related("household").get(pk=assessment.pk)
                if locked.is_open:
                    found += len(_cross_check(actor=job.created_by, assessment=locked))
        except Exception as exc:  # noqa: BLE001  (one bad household must not stop the township's run)
            errors.append({"row": assessment.pk, "column": "", "message": str(exc)})
        if done % 20 == 0 or done == len(assessments):
            job_progress(job, rows_done=done)
    return job_finish(
        job, succeeded=not errors, counts={"assessments": len(assessments), "discrepancies": found}, errors=errors
    )

"""Writes of audit work: resolving reconciliation findings, and the findings that act.

Resolving a finding does what it says (docs/integrity.md, “Findings that act”):
- `include` (a registered-poor household on neither 低保 nor 特困): an application for the household
  — registered in our registry from the ledger first when it is not there yet; the finding waits
  (`acting`) and closes when the application is decided;
- `stop` (and any resolution of `covered_out_of_poverty` but `check`): a priority re-verification of
  the household's running 低保; the finding waits and closes when the review is decided;
- `correct` of an `identity_mismatch`: our member takes the ledger's name, through the registry's
  own service (the poverty office's records are never edited);
- `check`, or a resolution with nothing to start: resolved at once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import services as benefit_services
from benefits.models import Programme
from benefits.reviews.models import ReviewReason
from benefits.reviews.services import reviews_open_for_household
from households import services as household_services
from households.models import Household, LedgerRecord, Member, Relationship
from sunwu_relief.audit import record_event
from sunwu_relief.authz import require, system
from sunwu_relief.errors import InvalidInput, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role

from ..events import AuditsEvent
from ..models import PERSON_RESOLUTIONS, Finding, FindingEvent, FindingKind, FindingStatus, Resolution
from ..selectors import findings_for

# Township staff work their township's findings; the bureau may too. The poverty office and the
# auditors read only. Starting an application or correcting the registry is the caseworker's.
RESOLVE_ROLES = frozenset({Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER})
REGISTRY_ROLES = (Role.CASEWORKER,)
FINDING_ACTOR = system("task:finding_resolve")


def _refuse(code: str, message: str) -> WorkflowError:
    return WorkflowError(problems=[Problem(code, message)], code=code)


def _register_from_ledger(actor, finding: Finding) -> Household:
    """A registered-poor household we do not know yet: registered in our registry from the
    ledger's persons (head first), in the ledger's village."""
    persons = list(
        LedgerRecord.objects.filter(household_number=finding.ledger_household_number, removed=False).order_by("id")
    )
    head = next((p for p in persons if p.relationship == Relationship.HEAD), None)
    if head is None:
        raise _refuse(
            "finding.ledger_head_missing", _("The ledger names no head of this household: register it by hand.")
        )
    household = household_services.household_create(
        actor=actor,
        village=head.village,
        address=head.village.name,
        hukou_number="",
        head=household_services.MemberData(name=head.name, id_number=head.id_number, relationship=Relationship.HEAD),
    )
    for person in persons:
        if person.pk != head.pk:
            household_services.member_add(
                actor=actor,
                household=household,
                data=household_services.MemberData(
                    name=person.name, id_number=person.id_number, relationship=person.relationship
                ),
            )
    return household


def _include(actor, finding: Finding, note: str) -> None:
    if finding.kind != FindingKind.NOT_COVERED:
        raise _refuse("finding.include_not_covered", _("Only a registered-poor household not covered is included."))
    require(actor, roles=REGISTRY_ROLES, code="finding.include_caseworker")
    household = finding.household or _register_from_ledger(actor, finding)
    finding.household = household
    finding.application = benefit_services.application_create(
        actor=actor, household=household, programme=Programme.DIBAO, reason=f"建档立卡户未纳入低保（对账发现）：{note}"
    )


def _review(actor, finding: Finding, note: str) -> bool:
    if finding.household is None:
        return False
    reason = (
        ReviewReason.OUT_OF_POVERTY
        if finding.kind == FindingKind.COVERED_OUT_OF_POVERTY
        else ReviewReason.LEDGER_FINDING
    )
    opened = reviews_open_for_household(actor=FINDING_ACTOR, household=finding.household, reason=reason, note=note)
    finding.review = opened[0] if opened else None
    return bool(opened)


def _correct(actor, finding: Finding) -> None:
    if finding.kind != FindingKind.IDENTITY_MISMATCH:
        return
    require(actor, roles=REGISTRY_ROLES, code="finding.correct_caseworker")
    member = Member.objects.filter(id_number=finding.id_number).first()
    ledger = LedgerRecord.objects.filter(id_number=finding.id_number).first()
    if member is None or ledger is None:
        raise _refuse("finding.correct_gone", _("The person is no longer in both lists: run the reconciliation again."))
    fields = household_services.MEMBER_FIELDS
    data = household_services.MemberData(**{name: getattr(member, name) for name in fields})
    data.name = ledger.name
    household_services.member_update(actor=actor, member=member, data=data)


@transaction.atomic
def finding_resolve(*, actor, finding: Finding, resolution: str, note: str) -> Finding:
    """Resolve a finding with what was decided (check, include, stop, correct) and why, and start
    what the resolution says (see the module docstring)."""
    # Locked through the user's scope: a finding the user may not see is not found.
    try:
        finding = findings_for(actor).select_for_update().get(pk=finding.pk)
    except Finding.DoesNotExist as exc:
        raise OutOfScope from exc
    require(actor, roles=RESOLVE_ROLES, township_id=finding.township_id, allow_system=False)
    if finding.status != FindingStatus.OPEN:
        raise WorkflowError(_("This finding has already been resolved."), code="finding.resolved")
    errors: dict[str, list[str]] = {}
    if resolution not in PERSON_RESOLUTIONS:
        errors["resolution"] = [_("Choose what was done: check, include, stop or correct.")]
    if not (note or "").strip():
        errors["note"] = [_("Write a note saying what was found and done.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    note = note.strip()
    acting = False
    if resolution == Resolution.INCLUDE:
        _include(actor, finding, note)
        acting = True
    elif resolution == Resolution.STOP or (
        finding.kind == FindingKind.COVERED_OUT_OF_POVERTY and resolution != Resolution.CHECK
    ):
        acting = _review(actor, finding, note)
    elif resolution == Resolution.CORRECT:
        _correct(actor, finding)
    now = timezone.now()
    finding.status = FindingStatus.ACTING if acting else FindingStatus.RESOLVED
    finding.resolution = resolution
    finding.note = note
    finding.resolved_by = actor
    finding.resolved_at = now
    finding.save(
        update_fields=[
            "status",
            "resolution",
            "note",
            "resolved_by",
            "resolved_at",
            "household",
            "application",
            "review",
        ]
    )
    FindingEvent.objects.create(
        finding=finding, action=FindingEvent.Action.RESOLVED, actor=actor, resolution=resolution, note=note, created=now
    )
    if acting:
        FindingEvent.objects.create(finding=finding, action=FindingEvent.Action.STARTED, actor=actor, created=now)
    record_event(
        actor=actor,
        action=AuditsEvent.FINDING_RESOLVE,
        obj=finding,
        kind=finding.kind,
        resolution=resolution,
        application=finding.application_id,
        review=finding.review_id,
    )
    return finding


@transaction.atomic
def findings_close_started(*, actor, application=None, review=None) -> int:
    """Close the findings waiting for this application or review, now that it is finished."""
    require(actor, allow_system=True, roles=())
    waiting = Finding.objects.select_for_update().filter(status=FindingStatus.ACTING)
    if application is not None:
        waiting = waiting.filter(application=application)
    elif review is not None:
        waiting = waiting.filter(review=review)
    else:
        return 0
    now = timezone.now()
    closed = 0
    for finding in waiting:
        finding.status = FindingStatus.RESOLVED
        finding.save(update_fields=["status"])
        FindingEvent.objects.create(finding=finding, action=FindingEvent.Action.CLOSED, created=now)
        record_event(actor=actor, action=AuditsEvent.FINDING_CLOSE, obj=finding, kind=finding.kind)
        closed += 1
    return closed

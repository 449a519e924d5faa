"""Creating, submitting (受理), resubmitting and withdrawing an application."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.ids import validate_id_number
from households.models import Household, Member, Relationship
from sunwu_relief.audit import record_event
from sunwu_relief.authz import user_or_none
from sunwu_relief.errors import InvalidInput, Problem, WorkflowError
from sunwu_relief.roles import Role

from .. import eligibility, rules
from ..events import BenefitEvent
from ..hooks import filing_reasons
from ..models import (
    IN_PROCEDURE,
    Application,
    ApplicationStatus,
    Programme,
    Transition,
)
from ..selectors import running_benefits, standard_for
from .common import WORKFLOW_PROGRAMMES, _current_assessment, _lock, _move, _require, today

# Creating and submitting -----------------------------------------------------------------------


@transaction.atomic
def application_create(
    *, actor, household: Household, programme: str, reason: str = "", single_member: Member | None = None
) -> Application:
    _require(actor, Role.CASEWORKER, township_id=household.township_id)
    if programme not in WORKFLOW_PROGRAMMES:
        raise InvalidInput(field_errors={"programme": [_("This programme does not use this procedure.")]})
    if single_member is not None and single_member.household_id != household.pk:
        raise InvalidInput(field_errors={"single_member": [_("The person must be a member of this household.")]})
    head = household.members.filter(relationship=Relationship.HEAD).first()
    application = Application(
        household=household,
        township_id=household.township_id,
        programme=programme,
        applicant_name=(single_member or head).name if (single_member or head) else "",
        reason=reason.strip(),
        single_member=single_member,
        created_by=actor,
    )
    application._history_user = user_or_none(actor)
    application.save()
    Transition.objects.create(
        application=application,
        action="create",
        from_status=ApplicationStatus.DRAFT,
        to_status=ApplicationStatus.DRAFT,
        actor=actor,
    )
    record_event(actor=actor, action=BenefitEvent.APPLICATION_CREATE, obj=application, programme=programme)
    return application


def submit_problems(application: Application) -> list[str]:
    """Every unmet condition of 受理 (docs/rules.md), in Chinese; empty when it may be submitted."""
    household = application.household
    members = list(household.members.all())
    problems = []
    if not any(m.relationship == Relationship.HEAD for m in members):
        problems.append(_("The household has no head."))
    for member in members:
        try:
            validate_id_number(member.id_number)
        except Exception:  # noqa: BLE001  (any invalid number blocks the submission)
            problems.append(_("%(name)s's ID number is not valid.") % {"name": member.name})
    if not _has_authorisation(application):
        problems.append(
            _(
                "Start the economic-status assessment and upload the applicant's signed authorisation to check the family's finances (授权核对)."
            )
        )
    if application.programme not in WORKFLOW_PROGRAMMES:
        problems.append(_("This programme does not use this procedure."))
    if application.programme == Programme.TEKUN and application.single_member is None:
        problems.append(_("特困 support is for one person: name the person supported."))
    problems.extend(eligibility_problems(application, assessment=_current_assessment(application)))
    other_open = Application.objects.filter(
        household=household, programme=application.programme, status__in=IN_PROCEDURE
    ).exclude(pk=application.pk)
    running_here = running_benefits().filter(household=household, programme=application.programme)
    if application.programme == Programme.TEKUN:
        # 特困 supports a person, not a household: an elderly couple may both be supported.
        other_open = other_open.filter(single_member_id=application.single_member_id)
        running_here = running_here.filter(covered_members=application.single_member_id)
    if other_open.exists():
        problems.append(_("This household already has an open application for this programme."))
    if running_here.exists():
        problems.append(_("This household already receives this programme."))
    elsewhere = (
        running_benefits()
        .filter(covered_members__in=members)
        .exclude(household=household)
        .select_related("household")
        .first()
    )
    if elsewhere is not None:
        problems.append(
            _("A member is covered by household %(number)s's benefit (no split or merged households: 按户施保).")
            % {"number": elsewhere.household.number}
        )
    return problems


def eligibility_problems(application: Application, *, assessment) -> list[Problem]:
    """The programme's conditions for the person or household (docs/rules.md), checked at 受理
    on the assessment as it stands and again at township approval on the frozen result."""
    if application.programme not in WORKFLOW_PROGRAMMES:
        return []
    standard = standard_for(application.programme, today().year)
    if standard is None:
        return [
            Problem(
                "standard.missing",
                _("No standard is set for this programme and year; the county must set one first."),
            )
        ]
    problems: list[Problem] = []
    person = application.single_member
    supported = eligibility.tekun_supported_ids(application.household, exclude_application=application)
    if application.programme == Programme.TEKUN and person is not None:
        if person.pk in supported:
            problems.append(
                Problem("not_both.already_tekun", _("%(name)s is already supported as 特困.") % {"name": person.name})
            )
        problems.extend(eligibility.tekun_problems(application, assessment=assessment, standard=standard))
    elif application.programme == Programme.DIBAO and person is not None:
        if person.pk in supported:
            problems.append(
                Problem(
                    "not_both.tekun_supported",
                    _("%(name)s is supported as 特困 and cannot also receive 低保.") % {"name": person.name},
                )
            )
        if not eligibility.is_severe_for_single_person(person, standard):
            problems.append(
                Problem(
                    "single.person_condition",
                    _(
                        "Single-person coverage (单人保) needs a serious illness or a severe disability (grade 1–2, or grade 3 intellectual or mental)."
                    ),
                )
            )
        if assessment is not None:
            try:
                amount, code = eligibility.single_person_decision(application, assessment=assessment, standard=standard)
            except WorkflowError as exc:
                amount, code = rules.Amount(Decimal("0"), exc.message), exc.code
            if code:
                problems.append(Problem(code, amount.explanation))
    elif application.programme == Programme.DIBAO:
        if not eligibility.dibao_covered_members(application):
            problems.append(
                Problem(
                    "not_both.all_tekun",
                    _("Every member is supported as 特困; nobody is left to cover with 低保."),
                )
            )
    return problems


def _has_authorisation(application: Application) -> bool:
    assessment = _current_assessment(application)
    return assessment is not None and assessment.authorisations.exists()


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    if application.status == ApplicationStatus.ACCEPTED:
        return application  # a double submit does nothing
    problems = submit_problems(application)
    if problems:
        raise WorkflowError(problems=problems)
    reasons = filing_reasons(application.household)
    application.filed = bool(reasons)
    application.filed_reasons = reasons
    application.accepted_at = timezone.now()
    application.assessment = _current_assessment(application)
    return _move(application, "submit", actor=actor, fields=("filed", "filed_reasons", "accepted_at", "assessment"))


@transaction.atomic
def application_resubmit(*, actor, application: Application, comment: str = "") -> Application:
    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    if application.status == ApplicationStatus.ACCEPTED:
        return application
    problems = submit_problems(application)
    if problems:
        raise WorkflowError(problems=problems)
    return _move(application, "resubmit", actor=actor, comment=comment)


@transaction.atomic
def application_withdraw(*, actor, application: Application, comment: str) -> Application:
    application = _lock(application)
    _require(actor, Role.CASEWORKER, application=application)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    if not comment.strip():
        raise InvalidInput(field_errors={"comment": [_("Record why the application is withdrawn.")]})
    return _move(application, "withdraw", actor=actor, comment=comment)

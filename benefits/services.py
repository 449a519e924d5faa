"""Every write of the workflow and of benefits: one keyword-only service per change.

Each service locks its row, returns early if the change is already done, checks the transition
map and its guards (a clear Chinese message for each unmet guard), saves, records the transition
and the audit entry, and queues side effects after commit. The UI, the admin, the API, tasks and
commands all call these; nothing else changes a status.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.services import check_document
from households.ids import validate_id_number
from households.models import Household, Member, Relationship
from sunwu_relief import clock
from sunwu_relief.audit import model_changes, record_event
from sunwu_relief.errors import DomainError, InvalidInput, NotAllowed, OutOfScope, Problem, WorkflowError
from sunwu_relief.roles import Role, role_of, township_id_of
from sunwu_relief.text import validate_multiline_text, validate_plain_text

from . import eligibility, rules
from .hooks import approval_check_problems, filing_reasons
from .models import (
    IN_PROCEDURE,
    Application,
    ApplicationStatus,
    Benefit,
    BenefitChange,
    BenefitStatus,
    CountyVisit,
    DeliveryMethod,
    DemocraticEvaluation,
    Holiday,
    Objection,
    Obligor,
    Programme,
    PublicNotice,
    ReasonCode,
    Standard,
    StopNotice,
    Transition,
    WrittenNotice,
)
from .selectors import running_benefits, standard_for, working_day_deadline
from .workflow import ALLOWED, INVESTIGATION_ACTIONS, TOWNSHIP_ACTIONS

WORKFLOW_PROGRAMMES = frozenset({Programme.DIBAO, Programme.TEKUN})


def today() -> datetime.date:
    return clock.today()


# Holiday calendar (the working days every deadline counts) -------------------------------------

HOLIDAY_FIELDS = ["date", "name", "is_working_day"]


def _ensure_bureau(actor) -> None:
    if role_of(actor) != Role.BUREAU_REVIEWER:
        raise NotAllowed(_("Only the county bureau may change the holiday calendar."))


@transaction.atomic
def holiday_save(*, actor, holiday: Holiday) -> Holiday:
    """Add or correct one day of the calendar (audited, kept in the history). A day the bureau
    edits becomes its own: a later `load_holidays` does not overwrite it."""
    _ensure_bureau(actor)
    old = {}
    if holiday.pk:
        current = Holiday.objects.select_for_update().get(pk=holiday.pk)
        old = {name: getattr(current, name) for name in HOLIDAY_FIELDS}
    holiday.name = holiday.name.strip()
    try:
        holiday.full_clean()
    except ValidationError as exc:
        raise InvalidInput(field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
    changes = model_changes(holiday, HOLIDAY_FIELDS, old)
    if old and not changes:
        return holiday
    holiday.source = Holiday.Source.MANUAL
    holiday._history_user = actor
    holiday.save()
    record_event(
        actor=actor, action="holiday.change" if old else "holiday.create", obj=holiday, changes=changes or None
    )
    return holiday


@transaction.atomic
def holiday_delete(*, actor, holiday: Holiday) -> None:
    _ensure_bureau(actor)
    holiday = Holiday.objects.select_for_update().filter(pk=holiday.pk).first()
    if holiday is None:
        return  # already deleted
    record_event(
        actor=actor,
        action="holiday.delete",
        obj=holiday,
        date=holiday.date,
        name=holiday.name,
        is_working_day=holiday.is_working_day,
        source=holiday.source,
    )
    holiday._history_user = actor
    holiday.delete()


@transaction.atomic
def holidays_load(*, actor=None, years: set[int] | None = None) -> dict[str, int]:
    """Fill the calendar from the State Council's schedule (the `chinesecalendar` package):
    adds the days it lacks, corrects the days it loaded before, keeps the bureau's own edits.
    Idempotent: a second run changes nothing."""
    from .holiday_calendar import official_days, package_version

    if actor is not None:
        _ensure_bureau(actor)
    existing = {h.date: h for h in Holiday.objects.select_for_update()}
    counts = {"added": 0, "updated": 0, "unchanged": 0, "kept": 0}
    for day in official_days(years):
        holiday = existing.get(day.date)
        if holiday is None:
            holiday = Holiday(date=day.date, name=day.name, is_working_day=day.is_working_day)
            counts["added"] += 1
        elif holiday.source != Holiday.Source.OFFICIAL:
            counts["kept"] += 1
            continue
        elif (holiday.name, holiday.is_working_day) == (day.name, day.is_working_day):
            counts["unchanged"] += 1
            continue
        else:
            holiday.name, holiday.is_working_day = day.name, day.is_working_day
            counts["updated"] += 1
        holiday.source = Holiday.Source.OFFICIAL
        holiday._history_user = actor if getattr(actor, "pk", None) else None
        holiday.save()
    if counts["added"] or counts["updated"]:
        record_event(actor=actor, action="holiday.load", package_version=package_version(), **counts)
    return counts


# Access -------------------------------------------------------------------------------------


def _ensure_role(actor, application: Application | None, *roles: str, township_id: int | None = None) -> None:
    """404 outside the actor's township (scope first), 403 for another role."""
    role = role_of(actor)
    target_township = application.township_id if application is not None else township_id
    if role in (Role.CASEWORKER, Role.TOWNSHIP_REVIEWER) and township_id_of(actor) != target_township:
        raise OutOfScope()
    if role is None or role == Role.POVERTY_OFFICE:
        raise OutOfScope()
    if role not in roles:
        raise NotAllowed()


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("household").get(pk=application.pk)


def _move(
    application: Application, action: str, *, actor, reason_code: str = "", comment: str = "", fields: tuple = ()
) -> Application:
    """Apply one transition of the ALLOWED map with a compare-and-swap on (status, version)."""
    _check_allowed(application, action)
    to_status = ALLOWED[action][1]
    from_status = application.status
    changed = Application.objects.filter(pk=application.pk, status=from_status, version=application.version).update(
        status=to_status, version=application.version + 1, **{name: getattr(application, name) for name in fields}
    )
    if changed != 1:
        raise WorkflowError(_("Someone else changed this application at the same moment; reload and check."))
    application.status = to_status
    application.version += 1
    # The compare-and-swap wrote the row; one history row keeps who moved it (simple-history skips update()).
    application._history_user = actor
    application.save(update_fields=["status", "version", *fields])
    Transition.objects.create(
        application=application,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        reason_code=reason_code,
        comment=comment,
    )
    record_event(
        actor=actor,
        action=f"application.{action}",
        obj=application,
        from_status=from_status,
        to_status=to_status,
        reason_code=reason_code,
    )
    return application


def _check_allowed(application: Application, action: str) -> None:
    if application.status not in ALLOWED[action][0]:
        raise WorkflowError(
            _("This step is not possible while the application is “%(status)s”.")
            % {"status": application.get_status_display()}
        )


def _require_reason(reason_code: str, comment: str) -> None:
    errors = {}
    if reason_code not in ReasonCode.values:
        errors["reason_code"] = [_("Choose a reason.")]
    if not comment.strip():
        errors["comment"] = [_("Explain the reason in words.")]
    if errors:
        raise InvalidInput(field_errors=errors)


def _standard(programme: str, on: datetime.date | None = None) -> Standard:
    standard = standard_for(programme, (on or today()).year)
    if standard is None:
        raise WorkflowError(_("No standard is set for this programme and year; the county must set one first."))
    return standard


# Creating and submitting -----------------------------------------------------------------------


@transaction.atomic
def application_create(
    *, actor, household: Household, programme: str, reason: str = "", single_member: Member | None = None
) -> Application:
    _ensure_role(actor, None, Role.CASEWORKER, township_id=household.township_id)
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
    application._history_user = actor
    application.save()
    Transition.objects.create(
        application=application,
        action="create",
        from_status=ApplicationStatus.DRAFT,
        to_status=ApplicationStatus.DRAFT,
        actor=actor,
    )
    record_event(actor=actor, action="application.create", obj=application, programme=programme)
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


def _current_assessment(application: Application):
    """The assessment this case uses: its own, else the household's latest one (an upheld
    objection detaches the frozen one, so the caseworker's new assessment is taken up)."""
    from assessments.models import Assessment

    if application.assessment_id is not None:
        return application.assessment
    return Assessment.objects.filter(household=application.household).order_by("-created", "-id").first()


def _has_authorisation(application: Application) -> bool:
    assessment = _current_assessment(application)
    return assessment is not None and assessment.authorisations.exists()


@transaction.atomic
def application_submit(*, actor, application: Application) -> Application:
    application = _lock(application)
    _ensure_role(actor, application, Role.CASEWORKER)
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
    _ensure_role(actor, application, Role.CASEWORKER)
    if application.status == ApplicationStatus.ACCEPTED:
        return application
    problems = submit_problems(application)
    if problems:
        raise WorkflowError(problems=problems)
    return _move(application, "resubmit", actor=actor, comment=comment)


@transaction.atomic
def application_withdraw(*, actor, application: Application, comment: str) -> Application:
    application = _lock(application)
    _ensure_role(actor, application, Role.CASEWORKER)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    if not comment.strip():
        raise InvalidInput(field_errors={"comment": [_("Record why the application is withdrawn.")]})
    return _move(application, "withdraw", actor=actor, comment=comment)


# Investigation and evaluation ----------------------------------------------------------------


@transaction.atomic
def application_start_investigation(*, actor, application: Application) -> Application:
    application = _lock(application)
    _ensure_role(actor, application, Role.CASEWORKER)
    if application.status == ApplicationStatus.INVESTIGATING:
        return application
    return _move(application, "start_investigation", actor=actor)


def last_upheld_objection_at(application: Application) -> datetime.datetime | None:
    """When the latest upheld objection sent the case back; evidence must be newer than that."""
    return (
        Objection.objects.filter(notice__application=application, status=Objection.Status.UPHELD)
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )


def investigation_problems(application: Application) -> list[str]:
    from assessments.selectors import signed_visit

    assessment = _current_assessment(application)
    problems = []
    if assessment is None:
        return [_("No economic-status assessment is attached to this application.")]
    visit = signed_visit(assessment)
    if visit is None:
        problems.append(
            _("A household visit by at least two investigators, signed by them and the household, is required.")
        )
    elif visit.investigators.count() < 2:
        problems.append(_("The household visit needs at least two investigators."))
    if assessment.status != "finished":
        problems.append(_("The economic-status result must be finished (frozen) first."))
    upheld_at = last_upheld_objection_at(application)
    if upheld_at is not None:
        # An upheld objection found the facts unclear: the old result and visit cannot stand.
        if assessment.status == "finished" and (assessment.finished_at is None or assessment.finished_at <= upheld_at):
            problems.append(
                Problem(
                    "investigation.assessment_before_objection",
                    _("After the upheld objection, start and finish a new economic-status assessment."),
                )
            )
        if visit is not None and visit.signed_at <= upheld_at:
            problems.append(
                Problem(
                    "investigation.visit_before_objection",
                    _("After the upheld objection, a new household visit must be made and signed."),
                )
            )
    return problems


def evaluation_problems(application: Application, *, standard: Standard | None = None) -> list[str]:
    """What is missing to finish the democratic evaluation (a new one after an upheld objection)."""
    required = standard.evaluation_required if standard is not None else True
    if not required:
        return []
    upheld_at = last_upheld_objection_at(application)
    evaluations = application.evaluations.all()
    if upheld_at is not None:
        if not evaluations.filter(created__gt=upheld_at).exists():
            return [
                Problem(
                    "evaluation.before_objection",
                    _("After the upheld objection, record a new democratic evaluation."),
                )
            ]
        return []
    if not evaluations.exists():
        return [
            Problem("evaluation.missing", _("Record the democratic evaluation (date, participants, outcome) first."))
        ]
    return []


@transaction.atomic
def application_finish_investigation(*, actor, application: Application) -> Application:
    application = _lock(application)
    _ensure_role(actor, application, Role.CASEWORKER)
    if application.status == ApplicationStatus.EVALUATING:
        return application
    _check_allowed(application, "finish_investigation")
    problems = investigation_problems(application)
    if problems:
        raise WorkflowError(problems=problems)
    application.assessment = _current_assessment(application)
    return _move(application, "finish_investigation", actor=actor, fields=("assessment",))


@transaction.atomic
def evaluation_record(
    *,
    actor,
    application: Application,
    held_on: datetime.date,
    place: str,
    participants: str,
    participant_count: int,
    votes_for: int,
    votes_against: int,
    outcome: str,
    minutes=None,
) -> DemocraticEvaluation:
    application = _lock(application)
    _ensure_role(actor, application, Role.CASEWORKER)
    if application.status != ApplicationStatus.EVALUATING:
        raise WorkflowError(_("A democratic evaluation is recorded while the application is in evaluation."))
    errors = {}
    if held_on > today():
        errors["held_on"] = [_("The date cannot be in the future.")]
    if votes_for + votes_against > participant_count:
        errors["votes_for"] = [_("There are more votes than participants.")]
    if outcome not in DemocraticEvaluation.Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    if minutes:
        # The same content check as every other scan: a PDF, JPEG or PNG, not what the name says.
        check_document(minutes, field="minutes")
    evaluation = DemocraticEvaluation(
        application=application,
        held_on=held_on,
        place=place.strip(),
        participants=participants.strip(),
        participant_count=participant_count,
        votes_for=votes_for,
        votes_against=votes_against,
        outcome=outcome,
        recorded_by=actor,
    )
    if minutes:
        evaluation.minutes = minutes
    evaluation._history_user = actor
    evaluation.save()
    record_event(
        actor=actor,
        action="evaluation.record",
        obj=evaluation,
        township_id=application.township_id,
        application=application.pk,
        outcome=outcome,
    )
    return evaluation


@transaction.atomic
def application_finish_evaluation(*, actor, application: Application) -> Application:
    application = _lock(application)
    _ensure_role(actor, application, Role.CASEWORKER)
    if application.status == ApplicationStatus.TOWNSHIP_REVIEW:
        return application
    standard = _standard(application.programme)
    problems = evaluation_problems(application, standard=standard)
    if problems:
        raise WorkflowError(problems=problems)
    return _move(application, "finish_evaluation", actor=actor)


# Township review and public notice ------------------------------------------------------------


def _worked_on(application: Application, actions: frozenset[str]) -> set[int]:
    return set(
        application.transitions.filter(action__in=actions, actor__isnull=False).values_list("actor_id", flat=True)
    )


def _investigator_ids(application: Application) -> set[int]:
    from assessments.selectors import signed_visit

    ids = _worked_on(application, INVESTIGATION_ACTIONS)
    if application.assessment is not None:
        visit = signed_visit(application.assessment)
        if visit is not None:
            ids |= set(visit.investigators.values_list("pk", flat=True))
    return ids


def dibao_decision(*, standard: Standard, covered: list[Member], count: int, income: Decimal) -> rules.Amount:
    """The 低保 grant with the 分类施保 add-ons of the covered members (shares of S; 0 by default)."""
    amount = rules.dibao_amount(standard=standard.monthly_standard, members=count, monthly_income=income)
    return _with_addons(amount, standard=standard, covered=covered)


def _with_addons(amount: rules.Amount, *, standard: Standard, covered: list[Member]) -> rules.Amount:
    if amount.value <= 0:
        return amount
    on = today()
    addons = rules.dibao_addons(
        standard=standard.monthly_standard,
        members=[
            rules.AddonMember(
                age=m.age_on(on),
                severe_disability=m.disability_grade is not None
                and m.disability_grade <= standard.severe_disability_grade,
                serious_illness=m.serious_illness,
            )
            for m in covered
        ],
        shares={
            "elderly_70": standard.addon_elderly_70,
            "severe_disability": standard.addon_severe_disability,
            "serious_illness": standard.addon_serious_illness,
            "minor": standard.addon_minor,
        },
        elderly_age=standard.addon_age_elderly,
        minor_age=standard.addon_age_minor,
    )
    if addons.value <= 0:
        return amount
    total = amount.value + addons.value
    return rules.Amount(total, f"{amount.explanation}；{addons.explanation}；合计 {total} 元/月")


def proposed_decision(application: Application, *, standard: Standard, care_level: str = "full_self_care"):
    """The amount, its explanation and the classification the township proposes."""
    from households.classification import classify, member_facts

    assessment = application.assessment
    if assessment is None or assessment.status != "finished":
        raise WorkflowError(_("The economic-status result must be finished (frozen) first."))
    if application.programme == Programme.TEKUN:
        amount = rules.tekun_amount(
            basic_standard=max(standard.tekun_basic, standard.monthly_standard * standard.tekun_basic_factor),
            care_level=care_level,
            care_allowances={
                "full_self_care": standard.care_full_self_care,
                "semi_disabled": standard.care_semi_disabled,
                "fully_disabled": standard.care_fully_disabled,
            },
        )
        tekun_ids = frozenset({application.single_member_id})
    elif application.single_member_id:
        # 单人保: a 低保边缘 household only, the person's own income counted (docs/rules.md).
        amount, code = eligibility.single_person_decision(application, assessment=assessment, standard=standard)
        if code:
            return amount, ""
        amount = _with_addons(amount, standard=standard, covered=[application.single_member])
        tekun_ids = eligibility.tekun_supported_ids(application.household)
    else:
        covered = eligibility.dibao_covered_members(application)
        amount = dibao_decision(
            standard=standard,
            covered=covered,
            count=len(covered),
            income=eligibility.dibao_income(assessment, covered),
        )
        tekun_ids = eligibility.tekun_supported_ids(application.household)
    if not assessment.assets_within_limits:
        reasons = "；".join(assessment.asset_reasons or [])
        amount = rules.Amount(Decimal("0"), _("Assets above the limits: %(reasons)s") % {"reasons": reasons})
    classification, _reason = classify(
        member_facts(application.household),
        today=today(),
        thresholds=eligibility.classification_thresholds(today()),
        tekun_member_ids=tekun_ids,
    )
    return amount, classification


@transaction.atomic
def application_township_approve(
    *, actor, application: Application, opinion: str, care_level: str = "full_self_care"
) -> Application:
    application = _lock(application)
    _ensure_role(actor, application, Role.TOWNSHIP_REVIEWER)
    if application.status == ApplicationStatus.PUBLIC_NOTICE:
        return application
    _check_allowed(application, "township_approve")
    if actor.pk in _investigator_ids(application):
        raise WorkflowError(_("A reviewer who investigated this case may not review it."))
    if not opinion.strip():
        raise InvalidInput(field_errors={"opinion": [_("Write the township's opinion.")]})
    standard = _standard(application.programme)
    # The conditions once more, on the frozen result (特困: all three; 单人保: a marginal household).
    problems = eligibility_problems(application, assessment=application.assessment)
    if problems:
        raise WorkflowError(problems=problems)
    if application.programme == Programme.TEKUN:
        result = eligibility.tekun_check(application, assessment=application.assessment, standard=standard)
        application.eligibility = [c.as_dict() for c in result.conditions]
    amount, classification = proposed_decision(application, standard=standard, care_level=care_level)
    if amount.value <= 0:
        raise WorkflowError(
            _("The computed amount is zero (%(why)s): return or reject the application instead.")
            % {"why": amount.explanation}
        )
    application.township_opinion = opinion.strip()
    application.proposed_amount = amount.value
    application.amount_explanation = amount.explanation
    application.proposed_classification = classification
    application.standard_snapshot = standard.snapshot()
    application.care_level = care_level if application.programme == Programme.TEKUN else ""
    _move(
        application,
        "township_approve",
        actor=actor,
        comment=opinion.strip(),
        fields=(
            "township_opinion",
            "proposed_amount",
            "amount_explanation",
            "proposed_classification",
            "standard_snapshot",
            "eligibility",
            "care_level",
        ),
    )
    _open_notice(application, standard=standard)
    return application


def _covered_members(application: Application) -> list[Member]:
    """特困: the person; 低保: the 单人保 person, else the members not supported as 特困."""
    if application.programme == Programme.TEKUN:
        return [application.single_member]
    return eligibility.dibao_covered_members(application)


def _open_notice(application: Application, *, standard: Standard) -> PublicNotice:
    application.notices.filter(superseded=False).update(superseded=True)
    start = today()
    covered = len(_covered_members(application))
    return PublicNotice.objects.create(
        application=application,
        village_id=application.household.village_id,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=standard.notice_days),
        household_size=covered,
        proposed_amount=application.proposed_amount,
    )


def _return_for_rework(
    *, actor, application: Application, role: str, action: str, reason_code: str, comment: str
) -> Application:
    application = _lock(application)
    _ensure_role(actor, application, role)
    if application.status == ApplicationStatus.RETURNED:
        return application
    _require_reason(reason_code, comment)
    return _move(application, action, actor=actor, reason_code=reason_code, comment=comment)


@transaction.atomic
def application_township_return(*, actor, application: Application, reason_code: str, comment: str) -> Application:
    return _return_for_rework(
        actor=actor,
        application=application,
        role=Role.TOWNSHIP_REVIEWER,
        action="township_return",
        reason_code=reason_code,
        comment=comment,
    )


@transaction.atomic
def objection_record(
    *, actor, notice: PublicNotice, raised_by: str, content: str, raised_on: datetime.date, contact: str = ""
) -> Objection:
    application = _lock(notice.application)
    _ensure_role(actor, application, Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
    if application.status != ApplicationStatus.PUBLIC_NOTICE or notice.superseded:
        raise WorkflowError(_("Objections are recorded while the notice is running."))
    errors = {}
    if not raised_by.strip():
        errors["raised_by"] = [_("Who raised the objection?")]
    if not content.strip():
        errors["content"] = [_("What is the objection?")]
    if raised_on > today() or raised_on < notice.starts_on:
        errors["raised_on"] = [_("The date must lie within the notice period, not in the future.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    repeat = notice.objections.filter(raised_by=raised_by.strip(), content=content.strip()).first()
    if repeat is not None:
        return repeat  # the same person's same objection submitted twice is recorded once
    objection = Objection.objects.create(
        notice=notice,
        raised_by=raised_by.strip(),
        contact=contact.strip(),
        content=content.strip(),
        raised_on=raised_on,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action="objection.record",
        obj=objection,
        township_id=application.township_id,
        application=application.pk,
    )
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, upheld: bool, resolution: str) -> Objection:
    objection = Objection.objects.select_for_update().select_related("notice__application").get(pk=objection.pk)
    application = _lock(objection.notice.application)
    _ensure_role(actor, application, Role.TOWNSHIP_REVIEWER)
    if objection.status != Objection.Status.OPEN:
        return objection
    if not resolution.strip():
        raise InvalidInput(field_errors={"resolution": [_("Record how the objection was resolved.")]})
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.resolution = resolution.strip()
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    record_event(
        actor=actor, action="objection.resolve", obj=objection, township_id=application.township_id, upheld=upheld
    )
    if upheld and application.status == ApplicationStatus.PUBLIC_NOTICE:
        # Back to investigating; a new notice follows the new township opinion.
        application.notices.filter(superseded=False).update(superseded=True)
        application.assessment = None  # the frozen result stays on record; a new assessment follows
        application.objection_upheld_at = objection.resolved_at  # the new opinion is due from here
        _move(
            application,
            "objection_upheld",
            actor=actor,
            reason_code=ReasonCode.FACTS_UNCLEAR,
            comment=resolution,
            fields=("assessment", "objection_upheld_at"),
        )
    return objection


def notice_problems(application: Application, *, on: datetime.date) -> list[str]:
    notice = application.notices.filter(superseded=False).first()
    if notice is None:
        return [Problem("notice.missing", _("There is no public notice."))]
    problems = []
    if on <= notice.ends_on:
        problems.append(
            Problem(
                "notice.period_running",
                _("The notice period runs until %(date)s.") % {"date": notice.ends_on.isoformat()},
            )
        )
    if notice.objections.filter(status=Objection.Status.OPEN).exists():
        problems.append(Problem("notice.objection_open", _("An objection is still open.")))
    return problems


@transaction.atomic
def application_notice_complete(*, actor, application: Application, on: datetime.date | None = None) -> Application:
    """公示期满，报送县级审批: the township's own step (actor: its staff) or the nightly task (actor None),
    with the same guards: the notice period is over and no objection is open."""
    application = _lock(application)
    if actor is not None:
        _ensure_role(actor, application, Role.CASEWORKER, Role.TOWNSHIP_REVIEWER)
        on = today()  # staff send the case up today, never on a date of their choosing
    if application.status == ApplicationStatus.COUNTY_REVIEW:
        return application
    _check_allowed(application, "notice_complete")
    problems = notice_problems(application, on=on or today())
    if problems:
        raise WorkflowError(problems=problems)
    application.received_by_county_at = timezone.now()
    return _move(application, "notice_complete", actor=actor, fields=("received_by_county_at",))


def notices_complete_by_township(*, on: datetime.date | None = None) -> dict[int, int]:
    """Move every case whose notice is over without open objection to county review
    (idempotent); the count moved per township id."""
    on = on or today()
    due = Application.objects.filter(
        status=ApplicationStatus.PUBLIC_NOTICE, notices__superseded=False, notices__ends_on__lt=on
    ).exclude(notices__superseded=False, notices__objections__status=Objection.Status.OPEN)
    moved: dict[int, int] = {}
    for application in due.distinct():
        try:
            application_notice_complete(actor=None, application=application, on=on)
        except WorkflowError:
            continue  # changed meanwhile; the next run sees it again
        moved[application.township_id] = moved.get(application.township_id, 0) + 1
    return moved


def notices_complete_due(*, on: datetime.date | None = None) -> int:
    return sum(notices_complete_by_township(on=on).values())


# Deadline extension (低保: 30 → 45 working days) ---------------------------------------------


@transaction.atomic
def application_extend_deadline(*, actor, application: Application, reason: str) -> Application:
    """Grant the extension of the 低保 decision deadline (N1: 30 working days, 45 in special
    circumstances) with its reason, before the first deadline has passed. Audited; repeats do nothing."""
    from .selectors import WorkingCalendar

    application = _lock(application)
    _ensure_role(actor, application, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER)
    if application.deadline_extended:
        return application
    problems = []
    if application.programme != Programme.DIBAO:
        problems.append(Problem("extension.not_dibao", _("Only the 低保 decision deadline can be extended.")))
    if application.status not in IN_PROCEDURE or application.accepted_at is None:
        problems.append(
            Problem("extension.not_in_procedure", _("The deadline runs only while the application is in procedure."))
        )
    else:
        snapshot = application.standard_snapshot or {}
        standard = standard_for(application.programme, today().year)
        days = int(snapshot.get("decision_days", getattr(standard, "decision_days", 30)))
        due = WorkingCalendar().deadline(timezone.localdate(application.accepted_at), days)
        if due < today():
            problems.append(
                Problem(
                    "extension.too_late",
                    _("The decision deadline (%(date)s) has passed: an extension is granted before it.")
                    % {"date": due.isoformat()},
                )
            )
    if problems:
        raise WorkflowError(problems=problems)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Record the special circumstance that needs more time.")]})
    try:
        validate_multiline_text(reason)
    except ValidationError as exc:
        raise InvalidInput(field_errors={"reason": exc.messages}) from exc
    application.deadline_extended = True
    application.extension_reason = reason
    application.extended_by = actor
    application.extended_at = timezone.now()
    application._history_user = actor
    application.save(update_fields=["deadline_extended", "extension_reason", "extended_by", "extended_at"])
    record_event(actor=actor, action="application.extend_deadline", obj=application, reason=reason)
    return application


# County decision -----------------------------------------------------------------------------


def county_visit_required(application: Application) -> bool:
    complained = Objection.objects.filter(notice__application=application).exists()
    return application.spot_check_required or application.filed or complained


@transaction.atomic
def county_visit_record(
    *, actor, application: Application, visited_on: datetime.date, visitors: list, result: str, findings: str
) -> CountyVisit:
    application = _lock(application)
    _ensure_role(actor, application, Role.BUREAU_REVIEWER, Role.AUDITOR)
    errors = {}
    if not visitors:
        errors["visitors"] = [_("Name who visited.")]
    if result not in CountyVisit.Result.values:
        errors["result"] = [_("Choose the result.")]
    if not findings.strip():
        errors["findings"] = [_("Record what the visit found.")]
    if visited_on > today():
        errors["visited_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    visit = CountyVisit.objects.create(
        application=application, visited_on=visited_on, result=result, findings=findings.strip(), recorded_by=actor
    )
    visit.visitors.set(visitors)
    record_event(
        actor=actor,
        action="county_visit.record",
        obj=visit,
        township_id=application.township_id,
        application=application.pk,
        result=result,
    )
    return visit


def open_discrepancies(application: Application) -> list[CountyVisit]:
    """County visits of this round (since the case last reached the county) that found a
    discrepancy and have no recorded reason why eligibility stands."""
    visits = application.county_visits.filter(result=CountyVisit.Result.DISCREPANCY, override_at__isnull=True)
    if application.received_by_county_at is not None:
        visits = visits.filter(created__gte=application.received_by_county_at)
    return list(visits.order_by("created", "id"))


@transaction.atomic
def county_visit_override(*, actor, visit: CountyVisit, reason: str) -> CountyVisit:
    """The county reviewer records why eligibility stands despite a visit's discrepancy (the other
    way out is returning the case for re-investigation). Audited; a repeat does nothing."""
    visit = CountyVisit.objects.select_for_update().select_related("application").get(pk=visit.pk)
    application = _lock(visit.application)
    _ensure_role(actor, application, Role.BUREAU_REVIEWER)
    if visit.override_at is not None:
        return visit
    problems = []
    if visit.result != CountyVisit.Result.DISCREPANCY:
        problems.append(Problem("county_visit.no_discrepancy", _("This visit found no discrepancy.")))
    if application.status != ApplicationStatus.COUNTY_REVIEW:
        problems.append(
            Problem("county_visit.not_in_review", _("A discrepancy is settled while the case is in county review."))
        )
    if problems:
        raise WorkflowError(problems=problems)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(field_errors={"reason": [_("Explain why eligibility stands despite the discrepancy.")]})
    try:
        validate_multiline_text(reason)
    except ValidationError as exc:
        raise InvalidInput(field_errors={"reason": exc.messages}) from exc
    visit.override_reason = reason
    visit.override_by = actor
    visit.override_at = timezone.now()
    visit.save(update_fields=["override_reason", "override_by", "override_at"])
    record_event(
        actor=actor,
        action="county_visit.override",
        obj=visit,
        township_id=application.township_id,
        application=application.pk,
        reason=reason,
    )
    return visit


def approval_problems(application: Application, actor) -> list[str]:
    problems = []
    if open_discrepancies(application):
        problems.append(
            Problem(
                "county_visit.discrepancy",
                _(
                    "The county home visit found a discrepancy: return the case for re-investigation, or record why "
                    "eligibility stands."
                ),
            )
        )
    if actor is not None and actor.pk in _worked_on(application, TOWNSHIP_ACTIONS):
        problems.append(_("A reviewer who worked this case at township level may not approve it."))
    if county_visit_required(application) and not application.county_visits.exists():
        problems.append(
            _("This case needs a county home visit before approval (spot-check sample, filed case or objection).")
        )
    if application.proposed_amount is None or application.proposed_amount <= 0:
        problems.append(_("There is no proposed amount."))
    problems.extend(approval_check_problems(application))
    return problems


@transaction.atomic
def application_county_approve(*, actor, application: Application) -> Benefit:
    application = _lock(application)
    _ensure_role(actor, application, Role.BUREAU_REVIEWER)
    if application.status == ApplicationStatus.APPROVED:
        raise WorkflowError(_("This application has already been approved."))
    _check_allowed(application, "county_approve")
    problems = approval_problems(application, actor)
    if problems:
        raise WorkflowError(problems=problems)
    application.decided_at = timezone.now()
    _move(application, "county_approve", actor=actor, fields=("decided_at",))
    benefit = _create_benefit(application, actor=actor)
    _approval_notice(application, benefit)
    return benefit


def _approval_notice(application: Application, benefit: Benefit) -> WrittenNotice:
    """批准通知书: what was granted, from when, how it was computed, and how to appeal."""
    accepted = timezone.localdate(application.accepted_at or application.created)
    body = (
        f"{application.applicant_name}：\n"
        f"您于{accepted:%Y年%m月%d日}提出的{application.get_programme_display()}申请，经审核审批，决定予以批准。"
        f"自{benefit.start_month:%Y年%m月}起每月发放 {benefit.monthly_amount} 元"
        f"（{benefit.amount_explanation}），保障人数 {benefit.covered_count} 人。\n"
        "家庭人口、收入、财产状况发生变化的，请及时告知乡镇人民政府。\n"
        f"{appeal_text(application.household)}"
    )
    return _written_notice(
        kind=WrittenNotice.Kind.APPROVAL,
        household=application.household,
        township_id=application.township_id,
        addressee=application.applicant_name,
        reason_code="",
        body=body,
        application=application,
        standard=application.standard_snapshot,
    )


def _create_benefit(application: Application, *, actor) -> Benefit:
    decided = timezone.localdate(application.decided_at)
    classification = application.proposed_classification
    standard_months = application.standard_snapshot or {}
    review_months = (
        standard_months.get("review_months_general", 6)
        if classification == "general"
        else standard_months.get("review_months_key", 12)
    )
    covered = _covered_members(application)
    benefit = Benefit(
        household=application.household,
        township_id=application.township_id,
        programme=application.programme,
        classification=classification,
        standard_snapshot=application.standard_snapshot,
        covered_count=len(covered),
        start_month=rules.next_month(decided),
        application=application,
        next_review_due=rules.add_months(decided, int(review_months)),
        decided_by=actor,
    )
    benefit._history_user = actor
    benefit.save()
    benefit.covered_members.set(covered)
    benefit_grant_record(
        benefit=benefit,
        actor=actor,
        amount=application.proposed_amount,
        explanation=application.amount_explanation,
        basis=BenefitChange.Basis.ASSESSMENT,
        assessment=application.assessment,
        care_level=application.care_level,
        standard_snapshot=application.standard_snapshot,
    )
    record_event(
        actor=actor,
        action="benefit.create",
        obj=benefit,
        application=application.pk,
        amount=str(application.proposed_amount),
    )
    if application.programme == Programme.TEKUN:
        _release_from_dibao(application, actor=actor, effective=benefit.start_month)
    _classify_household(application.household, actor=actor)
    return benefit


def _release_from_dibao(application: Application, *, actor, effective: datetime.date) -> None:
    """Not both: from the month 特困 support starts, the person leaves the household's running 低保,
    which is recomputed for the members left (or stopped when none is left or none is eligible)."""
    person = application.single_member
    running = (
        Benefit.objects.filter(programme=Programme.DIBAO, status__in=eligibility.RUNNING, covered_members=person)
        .select_related("application__assessment")
        .distinct()
    )
    for dibao in running.prefetch_related("changes"):
        remaining = [m for m in dibao.covered_members.order_by("id") if m.pk != person.pk]
        reason = f"{person.name}自{effective:%Y年%m月}起纳入特困供养，不再计入低保家庭（不重复享受）。"
        in_force = dibao.decision_in(effective)
        change: dict | None = {"kind": BenefitChange.Kind.STOP}
        if remaining and in_force is not None and in_force.new_status != BenefitStatus.ACTIVE:
            change = None  # suspended or phasing out: only the persons change; the amount is decided later
        elif remaining:
            # The rules on the assessment it rests on, for the members left (the 特困 person is
            # already supported, so the rule leaves them out).
            assessment = _benefit_assessment(dibao)
            amount = _decisions.rule_amount(
                benefit=dibao, assessment=assessment, standard=_standard(Programme.DIBAO, effective)
            )
            current = in_force.new_amount if in_force is not None else amount.value
            if amount.value <= 0:
                change = {"kind": BenefitChange.Kind.STOP}
            elif amount.value == current:
                change = None
            else:
                kind = BenefitChange.Kind.LOWER if amount.value < current else BenefitChange.Kind.RAISE
                change = {"kind": kind, "assessment": assessment}
        if change is not None:
            benefit_change(
                actor=actor,
                benefit=dibao,
                effective_month=effective,
                reason_code=ReasonCode.CIRCUMSTANCES_CHANGED,
                reason=reason,
                **change,
            )
        dibao.refresh_from_db()
        dibao.covered_members.remove(person)
        if remaining:
            dibao.covered_count = len(remaining)
            dibao._history_user = actor
            dibao.save(update_fields=["covered_count"])
        record_event(actor=actor, action="benefit.release_member", obj=dibao, member=person.pk, reason=reason)


def _benefit_assessment(benefit: Benefit):
    """The assessment a benefit rests on: its application's, else the household's latest finished."""
    from assessments.models import Assessment

    if benefit.application_id and benefit.application.assessment_id:
        return benefit.application.assessment
    latest = (
        Assessment.objects.filter(household=benefit.household, status=Assessment.Status.FINISHED)
        .order_by("-finished_at", "-id")
        .first()
    )
    if latest is None:
        raise WorkflowError(
            problems=[
                Problem(
                    "not_both.no_assessment",
                    _("The household's 低保 has no economic-status result to recompute it; re-verify it first."),
                )
            ]
        )
    return latest


def _classify_household(household: Household, *, actor) -> None:
    from households.classification import household_classify

    tekun_ids = frozenset(
        running_benefits()
        .filter(household=household, programme=Programme.TEKUN)
        .values_list("covered_members", flat=True)
    )
    household_classify(actor=actor, household=household, tekun_member_ids=tekun_ids)


def appeal_text(household: Household) -> str:
    """How to appeal and where to complain, from the county settings in force when the notice is
    issued (the body of a written notice is a legal record: it keeps the text it was issued with)."""
    from households.selectors import contacts_for

    return contacts_for(household.township).appeal_text


def _written_notice(
    *,
    kind: str,
    household: Household,
    township_id: int,
    addressee: str,
    reason_code: str,
    body: str,
    application: Application | None = None,
    benefit_change: BenefitChange | None = None,
    standard: dict | None = None,
) -> WrittenNotice:
    issued = today()
    days = int((standard or {}).get("written_notice_days", 3))
    return WrittenNotice.objects.create(
        kind=kind,
        household=household,
        township_id=township_id,
        application=application,
        benefit_change=benefit_change,
        addressee=addressee,
        reason_code=reason_code,
        body=body,
        issued_on=issued,
        due_on=working_day_deadline(issued, days),
    )


# Delivery of written notices (送达) ----------------------------------------------------------


@transaction.atomic
def written_notice_deliver(
    *,
    actor,
    notice: WrittenNotice,
    delivered_on: datetime.date,
    method: str,
    received_by: str,
    receipt=None,
) -> WrittenNotice:
    """Record how a written notice reached the family: on which day, by whom (the actor), how,
    who received it, and the signed receipt 送达回证. Township staff of the household's township
    (or the bureau). A notice is delivered once: a repeat changes nothing."""
    from assessments.services import check_document

    notice = WrittenNotice.objects.select_for_update().get(pk=notice.pk)
    _ensure_role(
        actor, None, Role.CASEWORKER, Role.TOWNSHIP_REVIEWER, Role.BUREAU_REVIEWER, township_id=notice.township_id
    )
    if notice.delivered_on is not None:
        return notice
    errors: dict[str, list[str]] = {}
    if delivered_on > today() or delivered_on < notice.issued_on:
        errors["delivered_on"] = [_("The date lies between the issue date and today.")]
    if method not in DeliveryMethod.values:
        errors["method"] = [_("Choose how the notice was delivered.")]
    received_by = received_by.strip()
    if not received_by:
        errors["received_by"] = [_("Who received the notice?")]
    else:
        try:
            validate_plain_text(received_by)
        except ValidationError as exc:
            errors["received_by"] = exc.messages
    if receipt is None:
        errors["receipt"] = [_("Upload the signed receipt (送达回证).")]
    if errors:
        raise InvalidInput(field_errors=errors)
    check_document(receipt, field="receipt")
    notice.delivered_on = delivered_on
    notice.delivered_by = actor
    notice.delivery_method = method
    notice.received_by = received_by
    notice.receipt = receipt
    notice.save(update_fields=["delivered_on", "delivered_by", "delivery_method", "received_by", "receipt"])
    record_event(
        actor=actor,
        action="written_notice.deliver",
        obj=notice,
        delivered_on=delivered_on,
        method=method,
        late=delivered_on > notice.due_on,
    )
    return notice


# Stopping 特困 support: 7 days of public notice first (特困人员认定办法) ------------------------


def _ensure_stop_noticed(benefit: Benefit) -> None:
    """A 特困 stop is decided only after its own public notice ran its full period."""
    notice = benefit.stop_notices.filter(status=StopNotice.Status.RUNNING).first()
    if notice is None:
        raise WorkflowError(
            problems=[
                Problem(
                    "tekun.stop_needs_notice",
                    _("Stopping 特困 support is first published for 7 days in the village: propose the stop."),
                )
            ]
        )
    if notice.ends_on >= today():
        raise WorkflowError(
            problems=[
                Problem(
                    "tekun.stop_notice_running",
                    _("The stop notice runs until %(date)s.") % {"date": notice.ends_on.isoformat()},
                )
            ]
        )


@transaction.atomic
def tekun_stop_propose(*, actor, benefit: Benefit, reason_code: str, reason: str) -> StopNotice:
    """Publish the proposed stop of a 特困 benefit in the person's village (notice period of the
    standard, 7 days); the stop itself follows when the period is over (`stop_notices_complete`)."""
    benefit = Benefit.objects.select_for_update().select_related("household").get(pk=benefit.pk)
    _ensure_role(actor, None, Role.BUREAU_REVIEWER, township_id=benefit.township_id)
    running = benefit.stop_notices.filter(status=StopNotice.Status.RUNNING).first()
    if running is not None:
        return running
    if benefit.programme != Programme.TEKUN:
        raise WorkflowError(problems=[Problem("stop_notice.not_tekun", _("Only a 特困 stop is publicly noticed."))])
    if benefit.status == BenefitStatus.STOPPED:
        raise WorkflowError(problems=[Problem("stop_notice.already_stopped", _("This benefit is already stopped."))])
    _require_reason(reason_code, reason)
    person = benefit.covered_members.order_by("pk").first()
    standard = standard_for(Programme.TEKUN, today().year)
    days = int((benefit.standard_snapshot or {}).get("notice_days", getattr(standard, "notice_days", 7)))
    start = today()
    notice = StopNotice.objects.create(
        benefit=benefit,
        township_id=benefit.township_id,
        village_id=benefit.household.village_id,
        person_name=person.name if person else "",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days),
        reason_code=reason_code,
        reason=reason.strip(),
        requested_by=actor,
    )
    record_event(actor=actor, action="stop_notice.open", obj=notice, benefit=benefit.pk, reason_code=reason_code)
    return notice


@transaction.atomic
def stop_notice_cancel(*, actor, notice: StopNotice, reason: str) -> StopNotice:
    """Withdraw a proposed stop (an objection showed the person still qualifies). Audited."""
    notice = StopNotice.objects.select_for_update().get(pk=notice.pk)
    _ensure_role(actor, None, Role.BUREAU_REVIEWER, township_id=notice.township_id)
    if notice.status != StopNotice.Status.RUNNING:
        return notice
    if not reason.strip():
        raise InvalidInput(field_errors={"reason": [_("Record why the stop is withdrawn.")]})
    notice.status = StopNotice.Status.CANCELLED
    notice.save(update_fields=["status"])
    record_event(actor=actor, action="stop_notice.cancel", obj=notice, reason=reason.strip())
    return notice


def stop_notices_complete(*, on: datetime.date | None = None) -> int:
    """Decide the stops whose notice period is over (nightly, and `close_notices`): each a
    decision with its written notice, from the month after. Idempotent."""
    on = on or today()
    done = 0
    for pk in StopNotice.objects.filter(status=StopNotice.Status.RUNNING, ends_on__lt=min(on, today())).values_list(
        "pk", flat=True
    ):
        try:
            done += _stop_notice_complete(pk)
        except DomainError:
            continue  # changed meanwhile (e.g. the benefit was stopped otherwise); the next run sees it
    return done


@transaction.atomic
def _stop_notice_complete(pk: int) -> int:
    notice = StopNotice.objects.select_for_update().get(pk=pk)
    if notice.status != StopNotice.Status.RUNNING:
        return 0
    change = benefit_change(
        actor=None,
        benefit=notice.benefit,
        kind=BenefitChange.Kind.STOP,
        effective_month=rules.next_month(today()),
        reason_code=notice.reason_code,
        reason=f"{notice.reason}（已于{notice.starts_on:%Y年%m月%d日}至{notice.ends_on:%m月%d日}公示）",
    )
    notice.status = StopNotice.Status.DONE
    notice.change = change
    notice.save(update_fields=["status", "change"])
    record_event(actor=None, action="stop_notice.complete", obj=notice, change=change.pk)
    return 1


@transaction.atomic
def application_county_reject(*, actor, application: Application, reason_code: str, comment: str) -> WrittenNotice:
    application = _lock(application)
    _ensure_role(actor, application, Role.BUREAU_REVIEWER)
    if application.status == ApplicationStatus.REJECTED:
        return application.written_notices.filter(kind=WrittenNotice.Kind.REJECTION).first()
    _require_reason(reason_code, comment)
    application.decided_at = timezone.now()
    _move(application, "county_reject", actor=actor, reason_code=reason_code, comment=comment, fields=("decided_at",))
    body = (
        f"{application.applicant_name}：\n"
        f"您于{timezone.localdate(application.accepted_at or application.created):%Y年%m月%d日}提出的"
        f"{application.get_programme_display()}申请，经审核审批，决定不予批准。\n"
        f"理由：{ReasonCode(reason_code).label}。{comment.strip()}\n{appeal_text(application.household)}"
    )
    return _written_notice(
        kind=WrittenNotice.Kind.REJECTION,
        household=application.household,
        township_id=application.township_id,
        addressee=application.applicant_name,
        reason_code=reason_code,
        body=body,
        application=application,
        standard=application.standard_snapshot,
    )


@transaction.atomic
def application_county_return(*, actor, application: Application, reason_code: str, comment: str) -> Application:
    return _return_for_rework(
        actor=actor,
        application=application,
        role=Role.BUREAU_REVIEWER,
        action="county_return",
        reason_code=reason_code,
        comment=comment,
    )


@transaction.atomic
def application_mark_for_spot_check(*, actor, application: Application) -> Application:
    """Called by the county's spot-check draw (audits)."""
    application = _lock(application)
    if application.spot_check_required:
        return application
    application.spot_check_required = True
    application._history_user = actor
    application.save(update_fields=["spot_check_required"])
    record_event(actor=actor, action="application.spot_check", obj=application)
    return application


# Decisions on benefits and the standards they use live in `benefits.decisions`; these names are
# part of this module's interface.
from . import decisions as _decisions  # noqa: E402

BENEFIT_CHANGES = _decisions.BENEFIT_CHANGES
benefit_change = _decisions.benefit_change
benefit_grant_record = _decisions.benefit_grant_record
benefits_recompute_for_standard = _decisions.benefits_recompute_for_standard
benefits_take_effect = _decisions.benefits_take_effect
phase_outs_complete = _decisions.phase_outs_complete
standard_problem = _decisions.standard_problem
standard_recompute_start = _decisions.standard_recompute_start
standard_save = _decisions.standard_save


# Obligors of a 特困 applicant ----------------------------------------------------------------

# While the case is investigated (and when it comes back for rework); frozen from the evaluation on.
OBLIGOR_STATUSES = frozenset(
    {ApplicationStatus.DRAFT, ApplicationStatus.ACCEPTED, ApplicationStatus.INVESTIGATING, ApplicationStatus.RETURNED}
)


def _obligor_editable(application: Application) -> None:
    if application.programme != Programme.TEKUN:
        raise WorkflowError(
            problems=[Problem("obligor.not_tekun", _("Obligors are recorded for 特困 applications only."))]
        )
    if application.status not in OBLIGOR_STATUSES:
        raise WorkflowError(
            problems=[
                Problem(
                    "obligor.closed",
                    _("Obligors are recorded while the case is investigated (not while it is “%(status)s”).")
                    % {"status": application.get_status_display()},
                )
            ]
        )


@transaction.atomic
def obligor_add(
    *,
    actor,
    application: Application,
    name: str,
    relation: str,
    can_support: bool,
    inability: str = "",
    note: str = "",
) -> Obligor:
    """Record one 法定赡养、抚养、扶养义务人 with their capacity, and why they cannot support."""
    from sunwu_relief.text import validate_multiline_text

    application = _lock(application)
    _ensure_role(actor, application, Role.CASEWORKER)
    _obligor_editable(application)
    name, note, inability = name.strip(), note.strip(), (inability or "").strip()
    errors: dict[str, list[str]] = {}
    for field, value, check in (("name", name, validate_plain_text), ("note", note, validate_multiline_text)):
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    if not name:
        errors.setdefault("name", []).append(_("Give the obligor's name."))
    if relation not in Obligor.Relation.values:
        errors["relation"] = [_("Choose the relation.")]
    if can_support:
        inability = ""
    elif inability not in Obligor.Inability.values:
        errors["inability"] = [_("Choose why the obligor cannot support the applicant.")]
    elif inability == Obligor.Inability.OTHER and not note:
        errors["note"] = [_("Explain the reason in words.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    obligor = Obligor(
        application=application,
        name=name,
        relation=relation,
        can_support=can_support,
        inability=inability,
        note=note,
        recorded_by=actor,
    )
    obligor._history_user = actor
    obligor.save()
    record_event(
        actor=actor,
        action="obligor.add",
        obj=obligor,
        township_id=application.township_id,
        application=application.pk,
        can_support=can_support,
        inability=inability,
    )
    return obligor


@transaction.atomic
def obligor_remove(*, actor, obligor: Obligor) -> None:
    """Remove an obligor recorded by mistake (history and the audit trail keep it)."""
    application = _lock(obligor.application)
    _ensure_role(actor, application, Role.CASEWORKER)
    _obligor_editable(application)
    obligor = Obligor.objects.filter(pk=obligor.pk, application=application).first()
    if obligor is None:
        return  # already removed
    record_event(
        actor=actor,
        action="obligor.remove",
        obj=obligor,
        township_id=application.township_id,
        application=application.pk,
    )
    obligor._history_user = actor
    obligor.delete()

"""The facts of a case for the eligibility rules, and the rules applied to it (reads only; the pure
rules are in `benefits.rules`).

特困 (three conditions), 单人保 (a 低保边缘 household, the person's own income) and "not both"
(a 特困-supported person is not counted in a 低保 household's grant). docs/rules.md states the
rules as implemented.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.services import economic_result, member_income
from households.classification import CapacityThresholds, classify, member_facts
from households.models import Member
from sunwu_relief import clock
from sunwu_relief.errors import Problem, WorkflowError

from . import rules
from .models import RUNNING_STATUSES, Application, Benefit, Programme, Standard
from .selectors import standard_for


def capacity_rules(standard: Standard) -> rules.CapacityRules:
    return rules.CapacityRules(
        elderly_age=standard.no_capacity_age_elderly,
        minor_age=standard.no_capacity_age_minor,
        max_grade_mental=standard.no_capacity_grade_mental,
        max_grade_limb=standard.no_capacity_grade_limb,
        max_grade_vision=standard.no_capacity_grade_vision,
    )


def is_severe_for_single_person(member: Member, standard: Standard) -> bool:
    return rules.severe_for_single_person(
        serious_illness=member.serious_illness,
        disability_kind=member.disability_kind,
        disability_grade=member.disability_grade,
        severe_grade=standard.severe_disability_grade,
        severe_grade_mental=standard.severe_disability_grade_mental,
    )


def own_income(assessment, member: Member) -> Decimal:
    return member_income(assessment, member).monthly_income


def _household_result(assessment) -> tuple[Decimal, bool, list[str]]:
    """(per-capita income, assets within limits, asset reasons): frozen, or a preview while open."""
    if not assessment.is_open:
        return assessment.per_capita_income, bool(assessment.assets_within_limits), list(assessment.asset_reasons or [])
    result = economic_result(assessment)
    return result.income.per_capita_income, result.assets.within_limits, list(result.assets.reasons)


def obligor_facts(application: Application) -> list[rules.ObligorFacts]:
    facts = []
    for obligor in application.obligors.all():
        reason = rules.OBLIGOR_INABILITY_NAMES.get(obligor.inability, "")
        if obligor.note:
            reason = f"{reason}：{obligor.note}" if reason else obligor.note
        facts.append(
            rules.ObligorFacts(
                name=obligor.name,
                relation=rules.OBLIGOR_RELATION_NAMES.get(obligor.relation, obligor.relation),
                can_support=obligor.can_support,
                reason=reason,
            )
        )
    return facts


def tekun_check(
    application: Application, *, assessment, standard: Standard, on: datetime.date | None = None
) -> rules.Eligibility:
    """The three 特困 conditions for the application's person, from the assessment (frozen, or a
    preview while it is open), the registry and the obligors recorded on the case."""
    person = application.single_member
    on = on or clock.today()
    _per_capita, assets_ok, asset_reasons = _household_result(assessment)
    return rules.tekun_eligibility(
        name=person.name,
        age=person.age_on(on),
        disability_kind=person.disability_kind,
        disability_grade=person.disability_grade,
        capacity=capacity_rules(standard),
        own_income=own_income(assessment, person),
        standard=standard.monthly_standard,
        assets_within_limits=assets_ok,
        asset_reasons=asset_reasons if not assets_ok else (),
        obligors=obligor_facts(application),
    )


def tekun_problems(application: Application, *, assessment, standard: Standard) -> list[Problem]:
    """One Problem per failed 特困 condition (its code from rules), empty when all three hold."""
    if application.programme != Programme.TEKUN or application.single_member_id is None or assessment is None:
        return []
    try:
        result = tekun_check(application, assessment=assessment, standard=standard)
    except WorkflowError as exc:
        return [Problem(exc.code, exc.message)]
    return [Problem(c.code, c.explanation) for c in result.failed]


def single_person_decision(application: Application, *, assessment, standard: Standard) -> tuple[rules.Amount, str]:
    """单人保's amount for the application's person and the code of the failed condition, if any."""
    per_capita, _assets_ok, _reasons = _household_result(assessment)
    return rules.single_person_amount(
        standard=standard.monthly_standard,
        per_capita_income=per_capita,
        own_income=own_income(assessment, application.single_member),
        marginal_factor=standard.marginal_income_factor,
    )


def tekun_supported_ids(household, *, exclude_application: Application | None = None) -> frozenset[int]:
    """Members of the household supported by a running 特困 benefit."""
    benefits = Benefit.objects.filter(household=household, programme=Programme.TEKUN, status__in=RUNNING_STATUSES)
    if exclude_application is not None:
        benefits = benefits.exclude(application=exclude_application)
    return frozenset(benefits.values_list("covered_members", flat=True)) - {None}


def dibao_covered_members(application: Application) -> list[Member]:
    """Who a 低保 decision covers: the 单人保 person alone, else every member not supported as
    特困 (not both: a 特困 person is not counted in the household's grant)."""
    if application.single_member_id:
        return [application.single_member]
    supported = tekun_supported_ids(application.household)
    return [m for m in application.household.members.order_by("id") if m.pk not in supported]


def dibao_income(assessment, covered: list[Member]) -> Decimal:
    """The countable monthly income of the covered members: the household's, less the own income
    of the members left out (a 特困-supported member brings neither a share nor an income)."""
    covered_ids = {m.pk for m in covered}
    left_out = [m for m in assessment.household.members.all() if m.pk not in covered_ids]
    income = Decimal(assessment.monthly_income)
    for member in left_out:
        income -= own_income(assessment, member)
    return max(income, Decimal("0"))


def classification_thresholds(day: datetime.date):
    """Registered with households.classification: the ages and grade of no labour capacity are
    the 低保 standard's of that year (its field defaults before any standard is set)."""
    standard = standard_for(Programme.DIBAO, day.year)

    def value(field: str) -> int:
        if standard is not None:
            return getattr(standard, field)
        return Standard._meta.get_field(field).get_default()

    return CapacityThresholds(
        elderly_age=value("no_capacity_age_elderly"),
        minor_age=value("no_capacity_age_minor"),
        severe_grade=value("severe_disability_grade"),
    )


def proposed_decision(application: Application, *, standard: Standard, care_level: str = "full_self_care"):
    """The amount, its explanation and the classification the township proposes: the rules on the
    case's frozen assessment (特困: the standard and the care level; 单人保: the person's own income
    in a 低保边缘 household; else the household's grant for the members not supported as 特困)."""
    assessment = application.assessment
    if assessment is None or assessment.status != Assessment.Status.FINISHED:
        raise WorkflowError(_("The economic-status result must be finished (frozen) first."))
    on = clock.today()
    if application.programme == Programme.TEKUN:
        amount = rules.tekun_decision(standard=standard, care_level=care_level)
        tekun_ids = frozenset({application.single_member_id})
    elif application.single_member_id:
        # 单人保: a 低保边缘 household only, the person's own income counted (docs/rules.md).
        amount, code = single_person_decision(application, assessment=assessment, standard=standard)
        if code:
            return amount, ""
        amount = rules.with_addons(amount, standard=standard, covered=[application.single_member], on=on)
        tekun_ids = tekun_supported_ids(application.household)
    else:
        covered = dibao_covered_members(application)
        amount = rules.dibao_decision(
            standard=standard,
            covered=covered,
            count=len(covered),
            income=dibao_income(assessment, covered),
            on=on,
        )
        tekun_ids = tekun_supported_ids(application.household)
    if not assessment.assets_within_limits:
        reasons = "；".join(assessment.asset_reasons or [])
        amount = rules.Amount(Decimal("0"), _("Assets above the limits: %(reasons)s") % {"reasons": reasons})
    classification, _reason = classify(
        member_facts(application.household),
        today=on,
        thresholds=classification_thresholds(on),
        tekun_member_ids=tekun_ids,
    )
    return amount, classification

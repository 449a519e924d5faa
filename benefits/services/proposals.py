"""The amount and classification the township proposes (the rules applied to a case)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from households.models import Member
from sunwu_relief.errors import WorkflowError

from .. import eligibility, rules
from ..models import (
    Application,
    Programme,
    Standard,
)
from .common import today


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

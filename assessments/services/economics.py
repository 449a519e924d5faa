"""The economic result of an assessment: income and assets measured against the year's limits
(a preview while open; `assessment_finish` freezes it)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from households.models import Member
from sunwu_relief import clock
from sunwu_relief.errors import WorkflowError

from .. import rules
from ..models import Assessment, AssetDeclaration, AssetKind, DepartmentRecord, PolicyLimits, Source
from ..selectors import limits_for_year


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

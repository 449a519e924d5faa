"""Household classification 重点/长期/一般保障户 (RULES §3, S §二(一)2).

`classify` is pure; `household_classify` stores its result with audit and history. Who is a 特困
supported person is known only to the higher `benefits` app, which passes their member IDs."""

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sunwu_relief import clock
from sunwu_relief.audit import record_event

from .models import Classification, Household, LabourCapacity

NO_CAPACITY = frozenset({LabourCapacity.LOST, LabourCapacity.NONE})


@dataclass(frozen=True)
class CapacityThresholds:
    """Who has no labour capacity by age or disability: policy data of the year's standard
    (60 and over, under 16, disability grade 1–2 by default), passed in, never constants here."""

    elderly_age: int
    minor_age: int
    severe_grade: int


ThresholdsProvider = Callable[[datetime.date], CapacityThresholds]
_thresholds_provider: list[ThresholdsProvider] = []


def register_thresholds_provider(provider: ThresholdsProvider) -> None:
    """The higher `benefits` app keeps the standards; it registers where the thresholds come from."""
    _thresholds_provider[:] = [provider]


def thresholds_on(day: datetime.date) -> CapacityThresholds:
    if not _thresholds_provider:
        raise ImproperlyConfigured("No classification thresholds provider is registered (benefits app).")
    return _thresholds_provider[0](day)


@dataclass(frozen=True)
class MemberFacts:
    id: int
    name: str
    birth_date: datetime.date
    labour_capacity: str = ""  # the health department's latest result, "" when not assessed
    serious_illness: bool = False
    disability_grade: int | None = None


def _age(birth: datetime.date, today: datetime.date) -> int:
    years = today.year - birth.year
    if (today.month, today.day) < (birth.month, birth.day):
        years -= 1
    return years


def no_capacity_reason(member: MemberFacts, *, today: datetime.date, thresholds: CapacityThresholds) -> str | None:
    """Why the member has no labour capacity, or None when they have some."""
    age = _age(member.birth_date, today)
    if age >= thresholds.elderly_age:
        return f"{member.name} {age} 岁（{thresholds.elderly_age} 岁及以上）"
    if age < thresholds.minor_age:
        return f"{member.name} {age} 岁（未满 {thresholds.minor_age} 周岁）"
    if member.labour_capacity in NO_CAPACITY:
        label = "丧失劳动力" if member.labour_capacity == LabourCapacity.LOST else "无劳动力"
        return f"{member.name} 经卫生健康部门评估为{label}"
    if member.serious_illness:
        return f"{member.name} 患重病"
    if member.disability_grade is not None and member.disability_grade <= thresholds.severe_grade:
        return f"{member.name} 重度残疾（{member.disability_grade} 级）"
    return None


def classify(
    members: Iterable[MemberFacts],
    *,
    today: datetime.date,
    thresholds: CapacityThresholds,
    tekun_member_ids: Collection[int] = frozenset(),
) -> tuple[str, str]:
    """(classification code, Chinese reason); ("", reason) for a household without members."""
    members = list(members)
    if not members:
        return "", "家庭无成员，无法分类"
    tekun = [m for m in members if m.id in tekun_member_ids]
    if tekun:
        names = "、".join(m.name for m in tekun)
        return Classification.KEY.value, f"重点保障户：{names} 为特困供养人员"
    able = [m for m in members if no_capacity_reason(m, today=today, thresholds=thresholds) is None]
    if able:
        names = "、".join(m.name for m in able)
        return Classification.GENERAL.value, f"一般保障户：{names} 有劳动能力"
    reasons = "；".join(no_capacity_reason(m, today=today, thresholds=thresholds) or "" for m in members)
    return Classification.LONG_TERM.value, f"长期保障户：家庭成员均无劳动能力（{reasons}）"


def member_facts(household: Household) -> list[MemberFacts]:
    """The household's members as classification facts. Labour capacity is the registry's field,
    which the recording of a health-department assessment keeps up to date."""
    return [
        MemberFacts(
            id=member.pk,
            name=member.name,
            birth_date=member.birth_date,
            labour_capacity=member.labour_capacity,
            serious_illness=member.serious_illness,
            disability_grade=member.disability_grade,
        )
        for member in household.members.order_by("id")
    ]


def supported_member_ids(household: Household) -> frozenset[int]:
    """Members covered by a running 特困 benefit. The benefit rows belong to the higher `benefits`
    app: they are reached through the relation's name only, never imported."""
    running = ["active", "phasing_out", "suspended"]
    return frozenset(
        household.members.filter(
            benefits_covering__programme="tekun", benefits_covering__status__in=running
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def household_classify(
    *, actor, household: Household, tekun_member_ids: Collection[int] = frozenset(), today: datetime.date | None = None
) -> Household:
    """Recompute and store the household's classification; a no-op when it has not changed."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    today = today or clock.today()
    tekun = frozenset(tekun_member_ids) | supported_member_ids(household)
    code, reason = classify(
        member_facts(household), today=today, thresholds=thresholds_on(today), tekun_member_ids=tekun
    )
    if (household.classification, household.classification_reason) == (code, reason):
        return household
    old = household.classification
    household.classification = code
    household.classification_reason = reason
    household._history_user = actor
    household.save(update_fields=["classification", "classification_reason", "updated"])
    record_event(actor=actor, action="household.classify", obj=household, classification=[old, code], reason=reason)
    return household

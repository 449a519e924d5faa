"""Household classification 重点/长期/一般保障户 (docs/rules.md): pure policy, numbers passed in.

Who is a 特困 supported person is known only to the higher `benefits` app, which passes their
member IDs; the thresholds of no labour capacity are the year's standard's, passed in too."""

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from .models import Classification, LabourCapacity

NO_CAPACITY = frozenset({LabourCapacity.LOST, LabourCapacity.NONE})


@dataclass(frozen=True)
class CapacityThresholds:
    """Who has no labour capacity by age or disability: policy data of the year's standard
    (60 and over, under 16, disability grade 1–2 by default), passed in, never constants here."""

    elderly_age: int
    minor_age: int
    severe_grade: int


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


def household_version(household) -> str:
    """What an edit form carries to tell whether the household changed since it was opened (its
    `updated` time, which every save moves on)."""
    return household.updated.isoformat() if household.updated else ""

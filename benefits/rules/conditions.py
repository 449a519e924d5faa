"""Eligibility conditions: 特困 (no capacity to work, no source of living, no able obligor) and
单人保 (the personal condition and the marginal household), each with its Chinese reasoning."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .amounts import Amount, _fmt, dibao_amount


@dataclass(frozen=True)
class Condition:
    """One condition of an eligibility rule: `code` names it (and is the Problem code when it
    fails), `met` whether it holds, `explanation` the Chinese reasoning with its evidence."""

    code: str
    met: bool
    explanation: str

    def as_dict(self) -> dict:
        return {"code": self.code, "met": self.met, "explanation": self.explanation}


@dataclass(frozen=True)
class Eligibility:
    conditions: tuple[Condition, ...]

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.conditions)

    @property
    def failed(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]

    @property
    def explanation(self) -> str:
        return "；".join(("✓ " if c.met else "✗ ") + c.explanation for c in self.conditions)


@dataclass(frozen=True)
class CapacityRules:
    """Who has no capacity to work (特困 condition 1): the standard's ages and disability grades.
    A grade limit of 0 means no grade of that kind qualifies."""

    elderly_age: int
    minor_age: int
    max_grade_mental: int
    max_grade_limb: int
    max_grade_vision: int


@dataclass(frozen=True)
class ObligorFacts:
    name: str
    relation: str  # the Chinese label, for the explanation
    can_support: bool
    reason: str = ""  # why they cannot, in Chinese (the kind and the caseworker's note)


DISABILITY_NAMES = {
    "vision": "视力",
    "hearing": "听力",
    "speech": "言语",
    "limb": "肢体",
    "intellectual": "智力",
    "mental": "精神",
    "multiple": "多重",
}

# The explanation is part of the legal record: Chinese whatever the user's language.
OBLIGOR_RELATION_NAMES = {
    "spouse": "配偶",
    "parent": "父母",
    "child": "子女",
    "grandparent": "祖父母、外祖父母",
    "grandchild": "孙子女、外孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他义务人",
}
OBLIGOR_INABILITY_NAMES = {
    "tekun": "本人为特困供养人员",
    "dibao": "本人为低保对象",
    "severe_disability": "重度残疾",
    "serious_illness": "患重病",
    "no_capacity": "年老或无劳动能力、无收入",
    "other": "其他原因",
}

TEKUN_UNABLE_TO_WORK = "tekun.able_to_work"
TEKUN_SOURCE_OF_LIVING = "tekun.source_of_living"
TEKUN_ABLE_OBLIGOR = "tekun.able_obligor"


def no_capacity_to_work(
    *, age: int, disability_kind: str, disability_grade: int | None, rules: CapacityRules
) -> str | None:
    """Why the person has no capacity to work under the 特困 rule, or None when they have some."""
    if age >= rules.elderly_age:
        return f"{age} 岁，年满 {rules.elderly_age} 周岁"
    if age < rules.minor_age:
        return f"{age} 岁，未满 {rules.minor_age} 周岁"
    if disability_grade:
        limit = {
            "intellectual": rules.max_grade_mental,
            "mental": rules.max_grade_mental,
            "limb": rules.max_grade_limb,
            "vision": rules.max_grade_vision,
        }.get(disability_kind, 0)
        if disability_grade <= limit:
            return f"{DISABILITY_NAMES.get(disability_kind, disability_kind)}残疾 {disability_grade} 级（{limit} 级及以上重度）"
    return None


def tekun_eligibility(
    *,
    name: str,
    age: int,
    disability_kind: str,
    disability_grade: int | None,
    capacity: CapacityRules,
    own_income: Decimal,
    standard: Decimal,
    assets_within_limits: bool,
    asset_reasons: Iterable[str] = (),
    obligors: Iterable[ObligorFacts] = (),
) -> Eligibility:
    """特困供养: all three conditions (N2), each with its outcome and Chinese explanation.

    1. no capacity to work: `age` at least the elderly age or under the minor age, or an
       intellectual/mental, limb or vision disability of a grade up to the standard's limit;
    2. no source of living: the person's own countable monthly income below `standard` (S) and
       the assets within the limits;
    3. no obligor able to support them: none recorded, or every one unable, each with a reason.
    """
    standard, own_income = Decimal(standard), Decimal(own_income)
    why = no_capacity_to_work(
        age=age, disability_kind=disability_kind, disability_grade=disability_grade, rules=capacity
    )
    if why:
        first = Condition(TEKUN_UNABLE_TO_WORK, True, f"无劳动能力：{name} {why}")
    else:
        disability = (
            f"{DISABILITY_NAMES.get(disability_kind, disability_kind)}残疾 {disability_grade} 级"
            if disability_grade
            else "无重度残疾"
        )
        first = Condition(
            TEKUN_UNABLE_TO_WORK,
            False,
            f"有劳动能力：{name} {age} 岁（{capacity.minor_age}–{capacity.elderly_age - 1} 岁），{disability}，"
            "不符合无劳动能力条件",
        )
    income_ok = own_income < standard
    reasons = "；".join(asset_reasons)
    parts = [
        f"本人月收入 {_fmt(own_income)} 元，{'低于' if income_ok else '不低于'}保障标准 {_fmt(standard)} 元",
        "财产符合规定" if assets_within_limits else "财产超出规定" + (f"（{reasons}）" if reasons else ""),
    ]
    second = Condition(
        TEKUN_SOURCE_OF_LIVING,
        income_ok and assets_within_limits,
        ("无生活来源：" if income_ok and assets_within_limits else "有生活来源：") + "，".join(parts),
    )
    obligors = list(obligors)
    able = [o for o in obligors if o.can_support]
    if not obligors:
        third = Condition(TEKUN_ABLE_OBLIGOR, True, "无法定赡养、抚养、扶养义务人")
    elif able:
        names = "、".join(f"{o.relation}{o.name}" for o in able)
        third = Condition(TEKUN_ABLE_OBLIGOR, False, f"有具备赡养、抚养、扶养能力的义务人：{names}")
    else:
        listed = "；".join(f"{o.relation}{o.name}（{o.reason}）" for o in obligors)
        third = Condition(TEKUN_ABLE_OBLIGOR, True, f"法定义务人均无赡养、抚养、扶养能力：{listed}")
    return Eligibility((first, second, third))


def severe_for_single_person(
    *,
    serious_illness: bool,
    disability_kind: str,
    disability_grade: int | None,
    severe_grade: int,
    severe_grade_mental: int,
) -> bool:
    """单人保's personal condition (N5): a serious illness, or a disability up to `severe_grade`
    (1–2 by default), or an intellectual or mental disability up to `severe_grade_mental` (3)."""
    if serious_illness:
        return True
    if not disability_grade:
        return False
    limit = severe_grade_mental if disability_kind in ("intellectual", "mental") else severe_grade
    return disability_grade <= max(limit, severe_grade)


SINGLE_HOUSEHOLD_ELIGIBLE = "single.household_eligible"
SINGLE_NOT_MARGINAL = "single.not_marginal"
SINGLE_OWN_INCOME = "single.own_income_above_standard"


def single_person_amount(
    *, standard: Decimal, per_capita_income: Decimal, own_income: Decimal, marginal_factor: Decimal
) -> tuple[Amount, str]:
    """单人保 (N5): (amount, "" or the code of the failed condition).

    Only in a 低保边缘 household, S ≤ per-capita income < factor × S (1.5 by default): below S the
    household itself is eligible and the whole household is covered (单人保 would be 按人保); at
    or above factor × S it is not marginal. The grant is a one-person household's with the
    person's own countable income: S − own income, rounded up to the yuan."""
    standard, per_capita = Decimal(standard), Decimal(per_capita_income)
    factor = Decimal(marginal_factor)
    ceiling = standard * factor
    if per_capita < standard:
        return Amount(
            Decimal("0"),
            f"家庭月人均收入 {_fmt(per_capita)} 元，低于保障标准 {_fmt(standard)} 元：家庭本身符合低保条件，"
            "应按户整体纳入，不适用单人保",
        ), SINGLE_HOUSEHOLD_ELIGIBLE
    if per_capita >= ceiling:
        return Amount(
            Decimal("0"),
            f"家庭月人均收入 {_fmt(per_capita)} 元，不低于 {_fmt(factor)} × {_fmt(standard)} = {_fmt(ceiling)} 元："
            "不属于低保边缘家庭，不适用单人保",
        ), SINGLE_NOT_MARGINAL
    own = dibao_amount(standard=standard, members=1, monthly_income=own_income)
    context = (
        f"单人保：家庭月人均收入 {_fmt(per_capita)} 元，不低于保障标准 {_fmt(standard)} 元且低于 "
        f"{_fmt(factor)} × {_fmt(standard)} = {_fmt(ceiling)} 元（低保边缘家庭），按单人户计算"
    )
    if own.value <= 0:
        return Amount(
            Decimal("0"), f"{context}：本人月收入 {_fmt(own_income)} 元，不低于保障标准，不符合条件"
        ), SINGLE_OWN_INCOME
    return Amount(own.value, f"{context}：{own.explanation}"), ""

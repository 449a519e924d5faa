"""Pure calculations of the economic-status check: no ORM, no I/O, explained results.

The policy numbers (excluded income kinds, asset limits) are parameters; they come from
PolicyLimits, which the bureau edits per year."""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# Chinese names used in explanations (the explanation is a Chinese document, like the form).
INCOME_NAMES = {
    "wages": "工资性收入",
    "farming": "家庭经营净收入",
    "property": "财产性收入",
    "transfer": "转移性收入",
    "support": "赡养（抚养、扶养）费",
    "other": "其他收入",
    "special_care": "优待抚恤金",
    "family_planning": "计划生育奖励与扶助金",
    "scholarship": "奖学金",
    "heroism": "见义勇为奖励",
    "assistance": "社会救助款物",
    "pension_base": "基础养老金",
}


_ORDER = list(INCOME_NAMES)


def _ordered(amounts: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
    """In the order of the declaration form (wages first), unknown kinds last."""
    return sorted(amounts.items(), key=lambda item: (_ORDER.index(item[0]) if item[0] in _ORDER else 99, item[0]))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """12.50 → 12.5, 300.00 → 300 (for explanations)."""
    text = f"{money(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class IncomeLine:
    member_id: int
    kind: str
    monthly_amount: Decimal


@dataclass(frozen=True)
class Limits:
    """A year's policy numbers (a plain copy of PolicyLimits)."""

    year: int
    excluded_income_kinds: frozenset[str]
    employment_deduction: Decimal
    deposits_per_capita_max: Decimal
    vehicles_max: int
    vehicle_exempt_types: frozenset[str]
    housing_count_max: int
    housing_area_per_capita_max: Decimal
    machinery_value_max: Decimal
    business_allowed: bool

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "excluded_income_kinds": sorted(self.excluded_income_kinds),
            "employment_deduction": str(self.employment_deduction),
            "deposits_per_capita_max": str(self.deposits_per_capita_max),
            "vehicles_max": self.vehicles_max,
            "vehicle_exempt_types": sorted(self.vehicle_exempt_types),
            "housing_count_max": self.housing_count_max,
            "housing_area_per_capita_max": str(self.housing_area_per_capita_max),
            "machinery_value_max": str(self.machinery_value_max),
            "business_allowed": self.business_allowed,
        }


@dataclass(frozen=True)
class IncomeResult:
    monthly_income: Decimal
    per_capita_income: Decimal
    explanation: str


def countable_income(
    lines: Iterable[IncomeLine], *, members: int, excluded_kinds: Collection[str], employment_deduction: Decimal
) -> IncomeResult:
    """Household countable monthly income and its per-capita share (docs/rules.md).

    Excluded kinds are listed but not counted; each wage earner's employment costs are deducted
    from that member's wages (never below zero)."""
    if members < 1:
        raise ValueError("a household has at least one member")
    counted: dict[str, Decimal] = {}
    excluded: dict[str, Decimal] = {}
    wages_by_member: dict[int, Decimal] = {}
    for line in lines:
        target = excluded if line.kind in excluded_kinds else counted
        target[line.kind] = target.get(line.kind, Decimal("0")) + line.monthly_amount
        if line.kind == "wages" and line.kind not in excluded_kinds and line.monthly_amount > 0:
            wages_by_member[line.member_id] = wages_by_member.get(line.member_id, Decimal("0")) + line.monthly_amount
    deduction = (
        sum((min(employment_deduction, wages) for wages in wages_by_member.values()), Decimal("0"))
        if employment_deduction > 0
        else Decimal("0")
    )
    gross = sum(counted.values(), Decimal("0"))
    total = money(max(gross - deduction, Decimal("0")))
    per_capita = money(total / members)

    parts = [f"{INCOME_NAMES.get(kind, kind)} {fmt(amount)}" for kind, amount in _ordered(counted)]
    lines_out = []
    if parts:
        lines_out.append(f"计入收入：{' + '.join(parts)} = {fmt(gross)} 元/月")
    else:
        lines_out.append("计入收入：无")
    if deduction > 0:
        lines_out.append(f"扣除就业成本 {fmt(deduction)} 元/月（{len(wages_by_member)} 人）")
    if excluded:
        kept = "、".join(f"{INCOME_NAMES.get(kind, kind)} {fmt(amount)} 元" for kind, amount in _ordered(excluded))
        lines_out.append(f"不计入收入：{kept}")
    lines_out.append(f"家庭月收入 {fmt(total)} 元 ÷ {members} 人 = 人均月收入 {fmt(per_capita)} 元")
    return IncomeResult(monthly_income=total, per_capita_income=per_capita, explanation="；".join(lines_out) + "。")


@dataclass(frozen=True)
class AssetFacts:
    """What is known of the household's assets: declared, or found in departmental data when more."""

    deposits: Decimal = Decimal("0")
    vehicle_types: Sequence[str] = ()
    housing_count: int = 0
    housing_area: Decimal = Decimal("0")
    machinery_value: Decimal = Decimal("0")
    businesses: int = 0
    land_mu: Decimal = Decimal("0")
    notes: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class AssetVerdict:
    within_limits: bool
    reasons: list[str]


def assets_verdict(facts: AssetFacts, *, members: int, limits: Limits) -> AssetVerdict:
    """Whether the household's assets are within the year's limits; every reason in Chinese."""
    reasons: list[str] = []
    within = True
    deposits_max = limits.deposits_per_capita_max * members
    if facts.deposits > deposits_max:
        within = False
        reasons.append(
            f"存款及有价证券 {fmt(facts.deposits)} 元，超过上限 {fmt(limits.deposits_per_capita_max)} 元 × {members} 人 = {fmt(deposits_max)} 元"
        )
    else:
        reasons.append(f"存款及有价证券 {fmt(facts.deposits)} 元，未超过上限 {fmt(deposits_max)} 元")
    counted_vehicles = [t for t in facts.vehicle_types if t not in limits.vehicle_exempt_types]
    if len(counted_vehicles) > limits.vehicles_max:
        within = False
        reasons.append(
            f"机动车 {len(counted_vehicles)} 辆（{'、'.join(counted_vehicles)}），超过上限 {limits.vehicles_max} 辆"
        )
    elif facts.vehicle_types:
        exempt = len(facts.vehicle_types) - len(counted_vehicles)
        reasons.append(f"机动车 {len(facts.vehicle_types)} 辆，其中 {exempt} 辆属不计车型，未超过上限")
    if facts.housing_count > limits.housing_count_max:
        within = False
        reasons.append(f"住房 {facts.housing_count} 处，超过上限 {limits.housing_count_max} 处")
    area_max = limits.housing_area_per_capita_max * members
    if facts.housing_area > area_max:
        within = False
        reasons.append(
            f"住房面积 {fmt(facts.housing_area)} ㎡，超过人均 {fmt(limits.housing_area_per_capita_max)} ㎡ × {members} 人 = {fmt(area_max)} ㎡"
        )
    if facts.machinery_value > limits.machinery_value_max:
        within = False
        reasons.append(f"农机价值 {fmt(facts.machinery_value)} 元，超过上限 {fmt(limits.machinery_value_max)} 元")
    if facts.businesses and not limits.business_allowed:
        within = False
        reasons.append(f"登记有经营实体 {facts.businesses} 个")
    if facts.land_mu:
        reasons.append(f"承包土地 {fmt(facts.land_mu)} 亩（收入按家庭经营净收入计）")
    reasons.extend(facts.notes)
    return AssetVerdict(within_limits=within, reasons=reasons)


# ---------------------------------------------------------------------------------------------
# Cross-check: declarations against departmental data (matched by ID number)


@dataclass(frozen=True)
class MemberFact:
    member_id: int
    name: str
    id_number: str


@dataclass(frozen=True)
class RecordFact:
    record_id: int
    source: str
    id_number: str
    key: str
    label: str
    amount: Decimal | None
    area: Decimal | None
    active: bool
    name: str = ""
    household_key: str = ""  # for 户籍: the 户号


@dataclass(frozen=True)
class DeclaredAsset:
    member_id: int
    kind: str
    quantity: Decimal
    area: Decimal | None


@dataclass(frozen=True)
class Finding:
    source: str
    code: str
    severity: str
    member_id: int | None
    record_id: int | None
    message: str


def find_discrepancies(
    *,
    members: Sequence[MemberFact],
    hukou_number: str,
    incomes: Sequence[IncomeLine],
    assets: Sequence[DeclaredAsset],
    records: Sequence[RecordFact],
    same_hukou_records: Sequence[RecordFact] = (),
) -> list[Finding]:
    """Every difference between what the household declared and what the departments hold.

    `records` are the departmental records of the members' ID numbers; `same_hukou_records` the
    户籍 records that carry this household's 户号 (to find people registered here but not declared)."""
    by_id = {m.id_number: m for m in members}
    findings: list[Finding] = []

    def declared_count(member_id: int, kind: str) -> Decimal:
        return sum((a.quantity for a in assets if a.member_id == member_id and a.kind == kind), Decimal("0"))

    def records_of(member_id: int, source: str) -> list[RecordFact]:
        id_number = next(m.id_number for m in members if m.member_id == member_id)
        return [r for r in records if r.id_number == id_number and r.source == source and r.active]

    for member in members:
        mid = member.member_id
        for record in records_of(mid, "hukou"):
            if hukou_number and record.household_key and record.household_key != hukou_number:
                findings.append(
                    Finding(
                        "hukou",
                        "other_household",
                        "high",
                        mid,
                        record.record_id,
                        f"{member.name} 的户籍登记在户号 {record.household_key}，与本户户号 {hukou_number} 不符",
                    )
                )
        for source, kind, noun, unit in (
            ("vehicle", "vehicle", "机动车", "辆"),
            ("housing", "housing", "住房", "处"),
            ("machinery", "machinery", "农机", "台"),
            ("business", "business", "经营实体", "个"),
        ):
            found = records_of(mid, source)
            declared = declared_count(mid, kind)
            if len(found) > declared:
                severity = "medium" if source == "machinery" else "high"
                items = "、".join(r.label or r.key for r in found)
                findings.append(
                    Finding(
                        source,
                        f"undeclared_{kind}",
                        severity,
                        mid,
                        found[0].record_id,
                        f"{member.name} 名下登记{noun} {len(found)} {unit}（{items}），申报 {fmt(declared)} {unit}",
                    )
                )
        registered_area = sum((r.area or Decimal("0") for r in records_of(mid, "housing")), Decimal("0"))
        declared_area = sum(
            (a.area or Decimal("0") for a in assets if a.member_id == mid and a.kind == "housing"), Decimal("0")
        )
        if registered_area > declared_area and declared_count(mid, "housing") >= len(records_of(mid, "housing")):
            findings.append(
                Finding(
                    "housing",
                    "housing_area",
                    "medium",
                    mid,
                    None,
                    f"{member.name} 名下登记住房面积 {fmt(registered_area)} ㎡，申报 {fmt(declared_area)} ㎡",
                )
            )
        wages = sum((i.monthly_amount for i in incomes if i.member_id == mid and i.kind == "wages"), Decimal("0"))
        for record in records_of(mid, "employment"):
            if record.amount is not None and record.amount > wages:
                findings.append(
                    Finding(
                        "employment",
                        "wage_above_declared",
                        "high",
                        mid,
                        record.record_id,
                        f"{member.name} 在 {record.label or record.key} 的月缴费工资 {fmt(record.amount)} 元，"
                        f"高于申报工资 {fmt(wages)} 元/月",
                    )
                )
    for record in same_hukou_records:
        if record.source == "hukou" and record.active and record.id_number not in by_id:
            findings.append(
                Finding(
                    "hukou",
                    "undeclared_member",
                    "medium",
                    None,
                    record.record_id,
                    f"户籍登记在本户（户号 {hukou_number}）的 {record.name or record.id_number[:6] + '…'} 未列为家庭成员",
                )
            )
    return findings

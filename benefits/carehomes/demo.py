"""Demo care homes and 特困 support by place (seed_demo): homes of every kind, one full, residents
placed by the bureau (one moved to a private home), persons supported at home with their carer,
self-care assessments (one reassessed), and the rural living levels the 特困 standard is reviewed
against (last year's level above the standard of that year, so the review shows a shortfall)."""

import datetime
from decimal import Decimal

from households.models import Township
from sunwu_relief import clock

from ..models import Programme, Standard
from ..selectors import running_benefits
from .models import CareHome, CareLevel, HomeKind, LivingLevel, SupportMode
from .services import (
    PlacementData,
    care_home_save,
    living_level_save,
    placement_move,
    placement_start,
    self_care_assess,
)
from .standard_review import tekun_basic

HOMES = [
    ("孙吴县中心敬老院", HomeKind.NURSING_HOME, "孙吴县民政局", 0, 8),
    ("沿江五保家园", HomeKind.WUBAO_HOME, "孙吴镇人民政府", 0, 2),
    ("辰清镇幸福院", HomeKind.HAPPINESS_HOME, "辰清镇人民政府", 1, 6),
    ("孙吴镇互助照料活动中心", HomeKind.MUTUAL_HELP, "孙吴镇四季屯村", 0, 4),
    ("孙吴县康乐养老院", HomeKind.PRIVATE, "孙吴县康乐养老服务有限公司", 0, 10),
]
LEVELS = [CareLevel.FULL_SELF_CARE, CareLevel.SEMI_DISABLED, CareLevel.FULLY_DISABLED]


def _supported_persons() -> list:
    seen, persons = set(), []
    tekun = running_benefits().filter(programme=Programme.TEKUN).prefetch_related("covered_members__household")
    for benefit in tekun.order_by("id"):
        for member in benefit.covered_members.all():
            if member.pk not in seen and member.removed_on is None:
                seen.add(member.pk)
                persons.append(member)
    return persons


def seed_care(*, townships: list[Township], caseworkers: dict, bureau) -> dict[str, int]:
    today = clock.today()
    start = today - datetime.timedelta(days=90)
    homes = []
    for name, kind, operator, township_index, beds in HOMES:
        township = townships[min(township_index, len(townships) - 1)]
        homes.append(
            care_home_save(
                actor=bureau,
                home=CareHome(
                    name=name,
                    kind=kind,
                    operator=operator,
                    township=township,
                    address=f"{township.name}敬老院路{len(homes) + 1}号",
                    capacity=beds,
                    contact_name="院长",
                    contact_phone="0456-0000000",
                ),
            )
        )
    county, full, _happiness, _mutual, private = homes
    persons = _supported_persons()
    # Few 特困 persons in a small demo: the 五保家园 is full with one bed, else with two.
    if len(persons) < 4:
        full.capacity = 1
        care_home_save(actor=bureau, home=full)
        plan = ["full", "dispersed", "county"]
    else:
        plan = ["full", "full", "dispersed", "county", "moved", "dispersed", "county", "dispersed"]
    counts = {"placed": 0, "dispersed": 0}
    for index, (person, role) in enumerate(zip(persons, plan, strict=False)):
        level = LEVELS[index % 3]
        if role == "dispersed":
            _at_home(person, caseworker=caseworkers[person.household.township_id], start=start, level=level)
            counts["dispersed"] += 1
            continue
        home = full if role == "full" else county
        with clock.frozen_at(start):
            placement = placement_start(
                actor=bureau,
                member=person,
                data=PlacementData(mode=SupportMode.CENTRALISED, home=home, start_on=start, room=f"{index + 1:02d}床"),
            )
            self_care_assess(actor=bureau, member=person, level=level, assessed_on=start, assessed_by="孙吴县人民医院")
        counts["placed"] += 1
        if role == "moved":
            moved_on = today - datetime.timedelta(days=20)
            with clock.frozen_at(moved_on):
                placement_move(
                    actor=bureau,
                    placement=placement,
                    data=PlacementData(mode=SupportMode.CENTRALISED, home=private, start_on=moved_on, room="A-3"),
                )
                self_care_assess(
                    actor=bureau,
                    member=person,
                    level=CareLevel.FULLY_DISABLED,
                    assessed_on=moved_on,
                    assessed_by="孙吴县人民医院（复评）",
                )
    levels = _living_levels(bureau, today.year)
    return {"homes": len(homes), **counts, "living_levels": levels}


def _at_home(person, *, caseworker, start: datetime.date, level: str) -> None:
    with clock.frozen_at(start):
        placement_start(
            actor=caseworker,
            member=person,
            data=PlacementData(
                mode=SupportMode.DISPERSED,
                start_on=start,
                carer_name=person.name[:1] + "小军",
                carer_relation="侄子",
                carer_phone="0456-0000000",
                agreement_signed_on=start,
                agreement_terms="每日上门探视，代购生活用品，每周打扫卫生，生病时陪同就医",
            ),
        )
        self_care_assess(actor=caseworker, member=person, level=level, assessed_on=start, assessed_by="乡镇卫生院")


def _living_levels(bureau, year: int) -> int:
    """This year's level a little under the standard (in order), last year's above it (a shortfall
    the review shows)."""
    made = 0
    for standard_year, margin in ((year, Decimal("-20")), (year - 1, Decimal("30"))):
        standard = Standard.objects.filter(programme=Programme.TEKUN, year=standard_year).first()
        if standard is None:
            continue
        monthly = tekun_basic(standard) + margin
        living_level_save(
            actor=bureau,
            level=LivingLevel(
                year=standard_year,
                expenditure=(monthly * 12 / Decimal("1.02")).quantize(Decimal("1")),
                expenditure_year=standard_year - 1,
                price_index=Decimal("102"),
                source=f"孙吴县{standard_year - 1}年国民经济和社会发展统计公报（农村居民人均生活消费支出）",
            ),
        )
        made += 1
    return made

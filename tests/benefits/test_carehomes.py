"""特困 support by place: homes and their free beds, a placement refused in a full home, a move
freeing the old bed, support at home with the carer's signed agreement, the care allowance
following the latest self-care assessment, and the 特困 standard reviewed against the living level."""

import datetime
from decimal import Decimal

import pytest

from benefits.carehomes.models import CareHome, LivingLevel, Placement
from benefits.carehomes.selectors import care_allowance, care_homes, dispersed_support_for, free_beds, occupancy
from benefits.carehomes.services import (
    PlacementData,
    care_home_save,
    living_level_save,
    placement_end,
    placement_move,
    placement_start,
    self_care_assess,
    tekun_standard_set,
)
from benefits.carehomes.standard_review import living_floor, review_rows
from benefits.models import Standard
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data

pytestmark = pytest.mark.django_db
D = Decimal
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def make_supported(make_household, caseworker_sunwu, bureau_reviewer):
    """A 特困 supported person (a one-person household of 孙吴镇 with a running 特困 benefit)."""
    names = iter(["赵老汉", "钱老汉", "孙老汉", "李老汉"])

    def build():
        household = make_household(caseworker_sunwu, head=member_data(name=next(names), relationship="head"))
        benefit_from_roll(household, actor=bureau_reviewer, programme="tekun")
        return household.members.get(relationship="head")

    return build


@pytest.fixture
def home(bureau_reviewer, township_sunwu):
    return care_home_save(
        actor=bureau_reviewer,
        home=CareHome(
            name="孙吴镇中心敬老院",
            kind="nursing_home",
            operator="孙吴镇人民政府",
            township=township_sunwu,
            address="孙吴镇敬老院路1号",
            capacity=2,
        ),
    )


def in_home(home, day=DAY, room="") -> PlacementData:
    return PlacementData(mode="centralised", home=home, start_on=day, room=room)


def at_home(day=DAY) -> PlacementData:
    return PlacementData(
        mode="dispersed",
        start_on=day,
        carer_name="赵小军",
        carer_relation="侄子",
        agreement_signed_on=day,
        agreement_terms="每日送餐、每周打扫",
    )


def test_a_placement_is_refused_in_a_full_home(make_supported, home, bureau_reviewer, clock):
    clock.move_to(DAY)
    first, second, third = make_supported(), make_supported(), make_supported()
    placement_start(actor=bureau_reviewer, member=first, data=in_home(home))
    placement_start(actor=bureau_reviewer, member=second, data=in_home(home))
    assert occupancy(home, on=DAY) == 2
    [listed] = [h for h in care_homes(on=DAY) if h.pk == home.pk]
    assert listed.occupied == 2
    assert free_beds(listed) == 0
    with pytest.raises(WorkflowError) as exc:
        placement_start(actor=bureau_reviewer, member=third, data=in_home(home))
    assert exc.value.codes == ["placement.home_full"]
    assert not Placement.objects.filter(member=third).exists()
    # The capacity cannot be set below the residents of today.
    home.capacity = 1
    with pytest.raises(InvalidInput) as exc:
        care_home_save(actor=bureau_reviewer, home=home)
    assert exc.value.code == "carehome.capacity_below_occupancy"


def test_a_move_frees_the_old_bed_the_day_it_happens(make_supported, home, bureau_reviewer, township_sunwu, clock):
    clock.move_to(DAY)
    first, second, third = make_supported(), make_supported(), make_supported()
    other = care_home_save(
        actor=bureau_reviewer,
        home=CareHome(
            name="沿江幸福院",
            kind="happiness_home",
            operator="沿江村",
            township=township_sunwu,
            address="沿江村",
            capacity=5,
        ),
    )
    placed = placement_start(actor=bureau_reviewer, member=first, data=in_home(home))
    placement_start(actor=bureau_reviewer, member=second, data=in_home(home))
    move_day = DAY + datetime.timedelta(days=10)
    clock.move_to(move_day)
    moved = placement_move(actor=bureau_reviewer, placement=placed, data=in_home(other, move_day))
    placed.refresh_from_db()
    assert placed.end_on == move_day
    assert placed.end_reason == "moved"
    assert moved.previous == placed
    assert occupancy(home, on=move_day - datetime.timedelta(days=1)) == 2
    assert occupancy(home, on=move_day) == 1
    assert occupancy(other, on=move_day) == 1
    assert placement_start(actor=bureau_reviewer, member=third, data=in_home(home, move_day)).home == home
    # The same move twice is the first; the person cannot be placed twice at once.
    assert placement_move(actor=bureau_reviewer, placement=placed, data=in_home(other, move_day)) == moved
    with pytest.raises(WorkflowError) as exc:
        placement_start(actor=bureau_reviewer, member=first, data=in_home(home, move_day))
    assert exc.value.codes == ["placement.already_placed"]


def test_support_at_home_needs_the_carer_and_the_signed_agreement(
    make_supported, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, home, clock
):
    clock.move_to(DAY)
    person = make_supported()
    with pytest.raises(WorkflowError) as exc:
        placement_start(
            actor=caseworker_sunwu, member=person, data=PlacementData(mode="dispersed", start_on=DAY, carer_name="")
        )
    assert set(exc.value.codes) == {"placement.carer_missing", "placement.agreement_missing"}
    with pytest.raises(OutOfScope):
        placement_start(actor=caseworker_chenqing, member=person, data=at_home())
    with pytest.raises(NotAllowed):
        placement_start(actor=reviewer_sunwu, member=person, data=at_home())
    with pytest.raises(NotAllowed):  # a home placement is the bureau's
        placement_start(actor=caseworker_sunwu, member=person, data=in_home(home))
    placement = placement_start(actor=caseworker_sunwu, member=person, data=at_home())
    assert placement_start(actor=caseworker_sunwu, member=person, data=at_home()) == placement  # double submit
    assert list(dispersed_support_for(caseworker_sunwu, on=DAY)) == [placement]
    assert list(dispersed_support_for(caseworker_chenqing, on=DAY)) == []
    with pytest.raises(NotAllowed):  # the township moves no one into a home
        placement_move(actor=caseworker_sunwu, placement=placement, data=in_home(home))
    ended = placement_end(actor=caseworker_sunwu, placement=placement, on=DAY, reason="died", note="病故")
    assert ended.end_reason == "died"
    assert list(dispersed_support_for(caseworker_sunwu, on=DAY)) == []


def test_only_a_person_with_running_tekun_support_is_placed(household_sunwu, bureau_reviewer, home):
    head = household_sunwu.members.get(relationship="head")
    with pytest.raises(WorkflowError) as exc:
        placement_start(actor=bureau_reviewer, member=head, data=in_home(home))
    assert exc.value.codes == ["placement.not_tekun"]


def test_the_care_allowance_follows_the_latest_self_care_assessment(make_supported, caseworker_sunwu, clock):
    clock.move_to(datetime.date(2026, 6, 1))
    person = make_supported()
    assert care_allowance(person, on=datetime.date(2026, 6, 1)) is None
    self_care_assess(
        actor=caseworker_sunwu, member=person, level="full_self_care", assessed_on=DAY, assessed_by="县人民医院"
    )
    self_care_assess(
        actor=caseworker_sunwu,
        member=person,
        level="fully_disabled",
        assessed_on=datetime.date(2026, 5, 10),
        assessed_by="县人民医院",
    )
    # Recorded last but dated earlier: it does not displace the latest assessment.
    self_care_assess(
        actor=caseworker_sunwu,
        member=person,
        level="semi_disabled",
        assessed_on=datetime.date(2026, 4, 1),
        assessed_by="乡镇卫生院",
    )
    standard = Standard.objects.get(programme="tekun", year=2026)
    on_march = care_allowance(person, on=datetime.date(2026, 3, 15))
    on_april = care_allowance(person, on=datetime.date(2026, 4, 15))
    on_june = care_allowance(person, on=datetime.date(2026, 6, 1))
    assert (on_march.level, on_march.amount) == ("full_self_care", standard.care_full_self_care)
    assert (on_april.level, on_april.amount) == ("semi_disabled", standard.care_semi_disabled)
    assert (on_june.level, on_june.amount) == ("fully_disabled", standard.care_fully_disabled)
    assert "全失能" in on_june.explanation
    # The allowance is the standard's data: a new figure is followed at once.
    standard.care_fully_disabled = D("500")
    standard.save()
    assert care_allowance(person, on=datetime.date(2026, 6, 1)).amount == D("500")


def test_self_care_assessment_refusals(make_supported, caseworker_sunwu, caseworker_chenqing, reviewer_sunwu, clock):
    clock.move_to(DAY)
    person = make_supported()
    with pytest.raises(OutOfScope):
        self_care_assess(
            actor=caseworker_chenqing, member=person, level="semi_disabled", assessed_on=DAY, assessed_by="医院"
        )
    with pytest.raises(NotAllowed):
        self_care_assess(
            actor=reviewer_sunwu, member=person, level="semi_disabled", assessed_on=DAY, assessed_by="医院"
        )
    with pytest.raises(InvalidInput) as exc:
        self_care_assess(
            actor=caseworker_sunwu,
            member=person,
            level="unknown",
            assessed_on=DAY + datetime.timedelta(days=1),
            assessed_by="",
        )
    assert set(exc.value.field_errors) == {"level", "assessed_on", "assessed_by"}
    first = self_care_assess(
        actor=caseworker_sunwu, member=person, level="semi_disabled", assessed_on=DAY, assessed_by="医院"
    )
    again = self_care_assess(
        actor=caseworker_sunwu, member=person, level="semi_disabled", assessed_on=DAY, assessed_by="医院"
    )
    assert first == again
    assert person.self_care_assessments.count() == 1


def test_the_floor_is_the_living_expenditure_with_the_price_index():
    floor = living_floor(expenditure=D("12000"), price_index=D("102.5"))
    assert floor.value == D("1025")
    assert "12000" in floor.explanation
    assert "102.5%" in floor.explanation


def test_a_tekun_standard_below_the_recorded_living_level_is_refused(bureau_reviewer, caseworker_sunwu, clock):
    clock.move_to(DAY)
    standard = Standard.objects.get(programme="tekun", year=2026)
    level = living_level_save(
        actor=bureau_reviewer,
        level=LivingLevel(
            year=2026,
            expenditure=D("12000"),
            expenditure_year=2025,
            price_index=D("102"),
            source="县统计局2025年统计公报",
        ),
    )
    floor = living_floor(expenditure=level.expenditure, price_index=level.price_index).value  # 1020
    with pytest.raises(InvalidInput) as exc:
        tekun_standard_set(actor=bureau_reviewer, standard=standard, basic=floor - 1)
    assert exc.value.code == "standard.below_living_level"
    standard.refresh_from_db()
    version = standard.version
    assert standard.tekun_basic != floor - 1
    [row] = [r for r in review_rows(today=DAY) if r.year == 2026]
    assert row.below  # the standard in force is below the level just recorded
    raised = tekun_standard_set(actor=bureau_reviewer, standard=standard, basic=floor)
    assert raised.tekun_basic == floor
    assert raised.version == version + 1
    [row] = [r for r in review_rows(today=DAY) if r.year == 2026]
    assert not row.below
    assert row.margin == 0
    with pytest.raises(NotAllowed):
        tekun_standard_set(actor=caseworker_sunwu, standard=standard, basic=floor + 10)
    dibao = Standard.objects.get(programme="dibao", year=2026)
    with pytest.raises(InvalidInput) as exc:
        tekun_standard_set(actor=bureau_reviewer, standard=dibao, basic=floor)
    assert exc.value.code == "standard.not_tekun"


def test_the_living_level_is_checked_and_the_bureaus(bureau_reviewer, caseworker_sunwu):
    bad = LivingLevel(year=2026, expenditure=D("0"), expenditure_year=2020, price_index=D("300"), source="统计公报")
    with pytest.raises(InvalidInput) as exc:
        living_level_save(actor=bureau_reviewer, level=bad)
    assert exc.value.code == "living_level.invalid"
    good = LivingLevel(year=2026, expenditure=D("9000"), expenditure_year=2025, price_index=D("101"), source="统计公报")
    with pytest.raises(NotAllowed):
        living_level_save(actor=caseworker_sunwu, level=good)
    assert living_level_save(actor=bureau_reviewer, level=good).recorded_by == bureau_reviewer


def test_the_monthly_report_counts_a_resident_as_centralised_from_the_month_of_placement(
    make_supported, home, bureau_reviewer, clock
):
    from benefits.statistics.selectors import monthly_report
    from households.models import Township

    clock.move_to(DAY)
    placed, at_home_person = make_supported(), make_supported()
    placement_start(actor=bureau_reviewer, member=placed, data=in_home(home))
    townships = list(Township.objects.all())
    march = monthly_report(month=DAY.replace(day=1), townships=townships).total
    assert march.tekun_persons == 2
    assert march.tekun_centralised == 1
    assert march.tekun_dispersed == 1
    february = monthly_report(month=datetime.date(2026, 2, 1), townships=townships).total
    assert february.tekun_centralised == 0  # placed in March: at home in February
    assert at_home_person.pk != placed.pk


def test_the_yearly_standard_form_also_refuses_a_tekun_standard_below_the_living_level(bureau_reviewer, clock):
    from benefits.services import standard_save

    clock.move_to(DAY)
    living_level_save(
        actor=bureau_reviewer,
        level=LivingLevel(
            year=2026, expenditure=D("12000"), expenditure_year=2025, price_index=D("102"), source="县统计局统计公报"
        ),
    )
    standard = Standard.objects.get(programme="tekun", year=2026)
    floor = living_floor(expenditure=D("12000"), price_index=D("102")).value
    version = standard.version
    standard.tekun_basic = floor - 1
    with pytest.raises(InvalidInput) as exc:
        standard_save(actor=bureau_reviewer, standard=standard)
    assert exc.value.code == "standard.below_living_level"
    assert Standard.objects.get(pk=standard.pk).version == version

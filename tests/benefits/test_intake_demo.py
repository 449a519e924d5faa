"""The demo's one door and care homes: every outcome of a request, an overdue referral, homes with
residents and a full one, support at home, the living levels of the standard review."""

import pytest

from benefits.carehomes.demo import seed_care
from benefits.carehomes.models import LivingLevel, Placement
from benefits.carehomes.selectors import care_homes
from benefits.intake.demo import seed_intake
from benefits.intake.models import IntakeRequest
from benefits.intake.selectors import open_referrals
from households.models import Township
from sunwu_relief import clock
from tests.benefits.programme_builders import benefit_from_roll
from tests.conftest import member_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_outcome_an_overdue_referral_and_a_full_home(
    make_household, caseworker_sunwu, reviewer_sunwu, bureau_reviewer, household_sunwu
):
    township = household_sunwu.township
    caseworkers, reviewers = {township.pk: caseworker_sunwu}, {township.pk: reviewer_sunwu}
    assert seed_intake(households=[household_sunwu], caseworkers=caseworkers, reviewers=reviewers) == 6
    statuses = set(IntakeRequest.objects.values_list("status", flat=True))
    assert statuses == {"open", "application", "referred", "answered", "closed"}
    assert [s.overdue for s in open_referrals(reviewer_sunwu, on=clock.today())] == [True, False]

    for name in ("赵老汉", "钱老汉", "孙老汉", "李老汉", "周老汉"):
        household = make_household(caseworker_sunwu, head=member_data(name=name, relationship="head"))
        benefit_from_roll(household, actor=bureau_reviewer, programme="tekun")
    townships = list(Township.objects.order_by("code"))
    counts = seed_care(townships=townships, caseworkers=caseworkers, bureau=bureau_reviewer)
    assert counts["placed"] == 4
    assert counts["dispersed"] == 1
    homes = {home.name: home for home in care_homes(on=clock.today())}
    assert homes["沿江五保家园"].occupied == homes["沿江五保家园"].capacity == 2
    assert homes["孙吴县中心敬老院"].occupied == 1
    assert homes["孙吴县康乐养老院"].occupied == 1  # moved there from the county home
    assert Placement.objects.filter(end_reason="moved").count() == 1
    assert LivingLevel.objects.count() >= 1

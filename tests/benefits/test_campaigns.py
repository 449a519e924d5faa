"""The clean-up campaign 专项清理: its scope opens one check per running 低保 benefit, progress
counts per township in the user's scope, signatures on every check, acceptance and the report."""

import datetime

import pytest

from benefits.models import Review
from benefits.reviews import services as reviews
from benefits.reviews.models import CampaignScope, CampaignStatus, ReviewStatus
from benefits.reviews.selectors import campaign_progress, campaign_report
from sunwu_relief import clock as system_clock
from sunwu_relief.errors import InvalidInput, NotAllowed, WorkflowError
from tests.audits.conftest import cover  # noqa: F401  (the legacy-roll builder of running benefits)


@pytest.fixture
def covered(cover, make_household, caseworker_sunwu, caseworker_chenqing):  # noqa: F811
    households = [
        make_household(caseworker_sunwu),
        make_household(caseworker_sunwu),
        make_household(caseworker_chenqing),
    ]
    cover(*households)
    return households


@pytest.fixture
def campaign(bureau_reviewer):
    today = system_clock.today()
    return reviews.campaign_create(
        actor=bureau_reviewer,
        name="2026年农村低保专项清理",
        scope=CampaignScope.ALL,
        deployment_starts=today - datetime.timedelta(days=10),
        implementation_starts=today,
        acceptance_starts=today + datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=90),
    )


def _sign(review, caseworker, **extra):
    return reviews.review_propose(
        actor=caseworker,
        review=review,
        suspend=True,
        note="外出务工，无法入户",
        checker_name="张核查",
        household_signatory="户主",
        signed_on=system_clock.today(),
        **extra,
    )


def test_launch_opens_one_check_per_benefit_once_and_progress_counts_per_township(
    covered, campaign, bureau_reviewer, caseworker_sunwu, reviewer_sunwu, caseworker_chenqing
):
    first = reviews.campaign_launch(actor=bureau_reviewer, campaign=campaign)
    again = reviews.campaign_launch(actor=bureau_reviewer, campaign=campaign)
    sunwu, chenqing = covered[0].township_id, covered[2].township_id
    assert first == again == {sunwu: 2, chenqing: 1}
    assert Review.objects.filter(campaign=campaign).count() == 3
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    check = Review.objects.filter(campaign=campaign, township_id=sunwu).order_by("pk").first()
    assert check.complete_by <= campaign.acceptance_starts
    _sign(check, caseworker_sunwu)
    reviews.review_township_approve(actor=reviewer_sunwu, review=check)
    reviews.review_county_decide(actor=bureau_reviewer, review=check)

    progress = {
        p.township_id: (p.total, p.done, p.percent, p.outcomes) for p in campaign_progress(bureau_reviewer, campaign)
    }
    assert progress == {sunwu: (2, 1, 50, {"changed": 1}), chenqing: (1, 0, 0, {})}
    # A township's staff see their own township's progress only.
    assert [p.township_id for p in campaign_progress(caseworker_chenqing, campaign)] == [chenqing]
    report = campaign_report(bureau_reviewer, campaign)
    assert report.total["checked"] == 1
    assert report.total["changed"] == 1
    assert report.total["stopped"] == report.total["kept"] == 0


def test_a_campaign_check_is_signed_by_checker_and_household(covered, campaign, bureau_reviewer, caseworker_sunwu):
    reviews.campaign_launch(actor=bureau_reviewer, campaign=campaign)
    check = Review.objects.filter(campaign=campaign, township_id=covered[0].township_id).first()
    with pytest.raises(InvalidInput) as refused:
        reviews.review_propose(actor=caseworker_sunwu, review=check, suspend=True, note="无法入户")
    assert refused.value.code == "review.invalid"
    assert {"checker_name", "household_signatory", "signed_on"} <= set(refused.value.field_errors)
    check.refresh_from_db()
    assert check.status == ReviewStatus.OPEN


def test_acceptance_waits_for_its_phase_and_every_check(covered, campaign, bureau_reviewer, caseworker_sunwu, clock):
    with pytest.raises(NotAllowed):
        reviews.campaign_launch(actor=caseworker_sunwu, campaign=campaign)
    reviews.campaign_launch(actor=bureau_reviewer, campaign=campaign)
    with pytest.raises(WorkflowError) as refused:
        reviews.campaign_accept(actor=bureau_reviewer, campaign=campaign, note="验收")
    assert refused.value.code == "campaign.not_acceptance_phase"
    clock.move_to(campaign.acceptance_starts)
    with pytest.raises(WorkflowError) as refused:
        reviews.campaign_accept(actor=bureau_reviewer, campaign=campaign, note="验收")
    assert refused.value.code == "campaign.checks_unfinished"
    for check in Review.objects.filter(campaign=campaign):
        reviews.review_cancel(actor=bureau_reviewer, review=check, note="户已迁出")
    accepted = reviews.campaign_accept(actor=bureau_reviewer, campaign=campaign, note="验收合格")
    assert accepted.status == CampaignStatus.ACCEPTED
    with pytest.raises(WorkflowError) as refused:
        reviews.campaign_launch(actor=bureau_reviewer, campaign=campaign)
    assert refused.value.code == "campaign.accepted"


def test_phases_must_be_in_order(bureau_reviewer):
    today = system_clock.today()
    with pytest.raises(InvalidInput) as refused:
        reviews.campaign_create(
            actor=bureau_reviewer,
            name="x",
            scope=CampaignScope.ALL,
            deployment_starts=today,
            implementation_starts=today - datetime.timedelta(days=1),
            acceptance_starts=today,
            ends_on=today,
        )
    assert refused.value.code == "campaign.phases_order"

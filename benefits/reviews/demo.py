"""Demo re-verifications (seed_demo): the daily run's reviews of the migrated benefits (due at
once), some worked to their decision (continued, raised, lowered), one proposed and one with the
county, overdue ones opened weeks ago, and one clean-up campaign half-way through its
implementation phase — all through the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services as assessment_services
from assessments.demo import _second_investigator
from households.models import Relationship
from sunwu_relief import clock
from sunwu_relief.authz import system

from ..demo.cases import _clock
from .models import CampaignScope, Review, ReviewStatus
from .services import (
    campaign_checker_assign,
    campaign_create,
    campaign_launch,
    review_county_decide,
    review_propose,
    review_start,
    review_township_approve,
    reviews_open_due,
)

SYSTEM = system("command:seed_demo")


def _investigate(review: Review, *, caseworker, day: datetime.date) -> None:
    assessment = review_start(actor=caseworker, review=review)
    head = review.household.members.filter(relationship=Relationship.HEAD).first() or review.household.members.first()
    assessment_services.authorisation_record(
        actor=caseworker,
        assessment=assessment,
        signed_on=day,
        signatory=head.name,
        scan=SimpleUploadedFile("authorisation.pdf", b"%PDF-1.4 demo", content_type="application/pdf"),
    )
    other = _second_investigator(caseworker)
    visit = assessment_services.visit_create(
        actor=caseworker,
        assessment=assessment,
        data=assessment_services.VisitData(
            visit_date=day,
            housing="砖房两间，基本完好",
            living_conditions="复核入户，生活情况与上次基本一致",
            household_confirmed=True,
            household_signatory=head.name,
        ),
        investigators=[caseworker, other],
    )
    assessment_services.visit_sign(actor=caseworker, visit=visit)
    assessment_services.visit_sign(actor=other, visit=visit)
    assessment_services.assessment_finish(actor=caseworker, assessment=assessment)


def seed_reviews(*, caseworkers: dict, reviewers: dict, bureau) -> None:
    today = clock.today()
    # Overdue: the run of five weeks ago opened the migrated benefits' reviews; nobody finished some.
    with _clock(today - datetime.timedelta(days=35)):
        reviews_open_due(actor=SYSTEM)
    opened = list(Review.objects.filter(status=ReviewStatus.OPEN).order_by("township_id", "pk"))
    by_township: dict[int, list[Review]] = {}
    for review in opened:
        by_township.setdefault(review.township_id, []).append(review)
    for township_id, reviews in by_township.items():
        caseworker, reviewer = caseworkers[township_id], reviewers[township_id]
        # Two finished (township: unchanged; county: a change), one with the township, one with
        # the county; the rest stay open (overdue by now).
        for index, review in enumerate(reviews[:4]):
            with _clock(today - datetime.timedelta(days=20 - index)):
                _investigate(review, caseworker=caseworker, day=clock.today())
                review_propose(actor=caseworker, review=review, note="复核入户调查")
            if index == 1:
                continue  # proposed: waiting for the township reviewer
            with _clock(today - datetime.timedelta(days=15 - index)):
                review = review_township_approve(actor=reviewer, review=review)
            if review.status == ReviewStatus.COUNTY_REVIEW and index != 2:
                with _clock(today - datetime.timedelta(days=10)):
                    review_county_decide(actor=bureau, review=review)
    # The daily run of today: what fell due since (the approved cases' six-monthly reviews).
    reviews_open_due(actor=SYSTEM)
    _campaign(today=today, caseworkers=caseworkers, reviewers=reviewers, bureau=bureau)


def _campaign(*, today: datetime.date, caseworkers: dict, reviewers: dict, bureau) -> None:
    """This year's 专项清理 of households with able-bodied members and income, half-way through."""
    deployment = today - datetime.timedelta(days=45)
    campaign = campaign_create(
        actor=bureau,
        name=f"{today.year}年农村低保专项清理",
        scope=CampaignScope.ABLE_WITH_INCOME,
        deployment_starts=deployment,
        implementation_starts=deployment + datetime.timedelta(days=30),
        acceptance_starts=today + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=60),
    )
    for caseworker in caseworkers.values():
        campaign_checker_assign(
            actor=bureau, campaign=campaign, township=caseworker.staff_profile.township, user=caseworker
        )
    with _clock(deployment + datetime.timedelta(days=30)):
        campaign_launch(actor=bureau, campaign=campaign)
    checks = list(campaign.reviews.filter(status=ReviewStatus.OPEN).order_by("township_id", "pk"))
    for index, review in enumerate(checks[: len(checks) // 2]):
        caseworker, reviewer = caseworkers[review.township_id], reviewers[review.township_id]
        _investigate(review, caseworker=caseworker, day=today)
        head = review.household.members.filter(relationship=Relationship.HEAD).first()
        review_propose(
            actor=caseworker,
            review=review,
            note="专项清理入户核查",
            checker_name=caseworker.get_full_name() or caseworker.get_username(),
            household_signatory=head.name if head else "户主",
            signed_on=today,
        )
        review = review_township_approve(actor=reviewer, review=review)
        if review.status == ReviewStatus.COUNTY_REVIEW and index % 3 != 2:
            review_county_decide(actor=bureau, review=review)

"""Re-verification in a real browser: a caseworker opens a due review from the list, starts its
investigation, proposes the outcome the rules give; the township reviewer agrees; the county
decides, and the decision with its written notice shows on the review."""

import datetime

import pytest
from playwright.sync_api import expect

from benefits.models import ApplicationStatus, Review
from benefits.reviews import services as reviews
from sunwu_relief import clock as system_clock
from sunwu_relief.authz import system
from tests.benefits.test_reviews import investigate
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_due_review_worked_from_the_list_to_its_decision(browser_page, live_server, login, cases, clock):
    benefit = cases.to(ApplicationStatus.APPROVED).benefit
    clock.move_to(benefit.next_review_due)
    assert reviews.reviews_open_due(actor=system("task:run_reverification"))[benefit.township_id]["opened"] == 1
    review = Review.objects.get()
    page = browser_page

    login(page, live_server, cases.caseworker.username, PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("queue-count-reviews_open")).to_have_text("1")
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_test_id("review-link").first.click()
    expect(page.get_by_test_id("review-status")).to_have_attribute("data-status", "open")
    page.get_by_test_id("step-start").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{Review.objects.get().assessment_id}/")
    # The household's income fell: the investigation (its declarations, authorisation and the
    # two investigators' signed visit) is recorded; its own pages are tested elsewhere.
    investigate(cases, review, drop_wages=True)
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    page.get_by_test_id("step-propose").click()
    expect(page.get_by_test_id("review-status")).to_have_attribute("data-status", "township_review")
    expect(page.get_by_test_id("review-outcome")).to_have_attribute("data-outcome", "raise")
    expect(page.get_by_test_id("review-explanation")).to_contain_text("复核")

    login(page, live_server, cases.reviewer.username, PASSWORD)
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    page.get_by_test_id("step-approve").click()
    expect(page.get_by_test_id("review-status")).to_have_attribute("data-status", "county_review")

    login(page, live_server, cases.bureau.username, PASSWORD)
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    page.get_by_test_id("step-decide").click()
    expect(page.get_by_test_id("review-status")).to_have_attribute("data-status", "decided")
    expect(page.get_by_test_id("review-decision")).to_be_visible()
    benefit.refresh_from_db()
    assert benefit.decision_in(system_clock.current_month() + datetime.timedelta(days=40)).new_amount == 960
    assert benefit.next_review_due > system_clock.today()

    login(page, live_server, cases.caseworker.username, PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("queue-count-reviews_open")).to_have_text("0")

"""Where a policy number comes from: the case's snapshot, else the year's standard, else the
Standard's own default (one copy of each default: the model's)."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from benefits import rules
from benefits.models import ApplicationStatus, Standard
from households.models import Classification


def test_the_snapshot_a_case_was_decided_under_wins_over_the_standard():
    standard = Standard(decision_days=20)
    assert rules.policy_number("decision_days", snapshot={"decision_days": 25}, standard=standard) == 25
    assert rules.policy_number("decision_days", snapshot={}, standard=standard) == 20


def test_without_a_standard_the_models_default_applies():
    default = Standard._meta.get_field("decision_days").get_default()
    assert rules.policy_number("decision_days") == default
    numbers = rules.deadline_numbers(snapshot=None, standard=None)
    assert set(numbers) == set(rules.DEADLINE_NUMBERS)
    assert numbers["decision_days_extended"] == Standard._meta.get_field("decision_days_extended").get_default()


def test_review_months_follow_the_classification():
    snapshot = {"review_months_general": 5, "review_months_key": 11}
    assert rules.review_months(classification=Classification.GENERAL, snapshot=snapshot) == 5
    assert rules.review_months(classification=Classification.KEY, snapshot=snapshot) == 11
    assert rules.review_months(classification=Classification.LONG_TERM, snapshot={}) == (
        Standard._meta.get_field("review_months_key").get_default()
    )


def test_close_notices_moves_the_cases_whose_notice_is_over(cases):
    running = cases.to(ApplicationStatus.PUBLIC_NOTICE)
    out = StringIO()
    call_command("close_notices", on=timezone.localdate().isoformat(), stdout=out)
    assert "moved to county review: 0" in out.getvalue()
    later = timezone.localdate() + datetime.timedelta(days=8)
    out = StringIO()
    call_command("close_notices", on=later.isoformat(), stdout=out)
    assert "moved to county review: 1" in out.getvalue()
    running.refresh_from_db()
    assert running.status == ApplicationStatus.COUNTY_REVIEW
    assert running.transitions.get(action="notice_complete").actor is None

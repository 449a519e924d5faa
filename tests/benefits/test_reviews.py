"""Re-verification 复核: the daily run, the computed outcome of each kind, the flow of steps and
its refusals, the next due date, forced reviews (a death)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from benefits import rules
from benefits.models import ApplicationStatus, Review
from benefits.reviews import services as reviews
from benefits.reviews.models import ReviewOutcome, ReviewReason, ReviewStatus
from households import services as household_services
from sunwu_relief import clock as system_clock
from sunwu_relief.authz import system
from sunwu_relief.errors import InvalidInput, NotAllowed, OutOfScope, WorkflowError
from tests.builders import scan

SYSTEM = system("task:run_reverification")


@pytest.fixture
def benefit(cases, clock):
    """A running 低保 benefit, reviewed two months into it (head with 300 yuan wages and a son:
    (480 − 150) × 2 = 660 yuan a month)."""
    application = cases.to(ApplicationStatus.APPROVED)
    clock.move_to(system_clock.today() + datetime.timedelta(days=62))
    return application.benefit


def investigate(cases, review, *, wages_delta: Decimal | None = None, drop_wages: bool = False):
    """The caseworker's new investigation of the review: declarations changed, visit, finish."""
    assessment = reviews.review_start(actor=cases.caseworker, review=review)
    assessment_services.authorisation_record(
        actor=cases.caseworker, assessment=assessment, signed_on=system_clock.today(), signatory="王大山", scan=scan()
    )
    head = review.household.members.get(relationship="head")
    if drop_wages:
        for income in assessment.incomes.filter(kind="wages"):
            assessment_services.declaration_remove(actor=cases.caseworker, declaration=income)
    if wages_delta:
        assessment_services.income_add(
            actor=cases.caseworker, assessment=assessment, member=head, kind="wages", monthly_amount=wages_delta
        )
    cases.investigate(type("Case", (), {"assessment": assessment, "household": review.household})())
    review.refresh_from_db()
    return review


def decide(cases, review, **propose):
    reviews.review_propose(actor=cases.caseworker, review=review, **propose)
    reviews.review_township_approve(actor=cases.reviewer, review=review)
    review.refresh_from_db()
    if review.status == ReviewStatus.COUNTY_REVIEW:
        reviews.review_county_decide(actor=cases.bureau, review=review)
    review.refresh_from_db()
    return review


def open_review(benefit, reason=ReviewReason.SCHEDULED):
    review, _opened = reviews.review_open(actor=SYSTEM, benefit=benefit, reason=reason)
    return review


def test_daily_run_twice_opens_each_due_review_once(benefit, clock):
    due = benefit.next_review_due
    assert reviews.reviews_open_due(actor=SYSTEM, on=due - datetime.timedelta(days=1)) == {}
    clock.move_to(due)
    first = reviews.reviews_open_due(actor=SYSTEM)
    second = reviews.reviews_open_due(actor=SYSTEM)
    assert first == {benefit.township_id: {"opened": 1, "already_open": 0}}
    assert second == {benefit.township_id: {"opened": 0, "already_open": 1}}
    review = Review.objects.get()
    assert (review.reason, review.due_on, review.township_id) == (ReviewReason.SCHEDULED, due, benefit.township_id)
    assert review.complete_by == due + datetime.timedelta(days=30)


def test_general_household_falls_due_after_six_months(benefit):
    assert benefit.household.classification == "general"
    approved = timezone.localdate(benefit.application.decided_at)
    assert benefit.next_review_due == rules.add_months(approved, 6)


def test_income_up_through_work_above_standard_phases_out(cases, benefit):
    review = investigate(cases, open_review(benefit), wages_delta=Decimal("800"))  # 1,100 for 2 persons ≥ 480
    review = decide(cases, review)
    assert review.outcome == ReviewOutcome.PHASE_OUT
    benefit.refresh_from_db()
    decision = review.decision
    assert decision.kind == "phase_out"
    assert decision.new_amount == review.old_amount
    assert decision.effective_month == rules.next_month(system_clock.today())
    assert benefit.phase_out_until == rules.add_months(decision.effective_month, 6)
    assert "渐退" in review.explanation


def test_income_down_raises_from_the_next_month(cases, benefit):
    before = benefit.monthly_amount
    review = decide(cases, investigate(cases, open_review(benefit), drop_wages=True))
    assert review.outcome == ReviewOutcome.RAISE
    assert review.new_amount == Decimal("960") > before  # 480 × 2, no income
    next_month = rules.next_month(system_clock.today())
    assert benefit.decision_in(next_month).new_amount == Decimal("960")
    assert benefit.decision_in(system_clock.current_month()).new_amount == before
    assert review.decision.written_notice.kind == "change"


def test_unchanged_household_continues_decided_by_the_township(cases, benefit):
    review = decide(cases, investigate(cases, open_review(benefit)))
    assert (review.outcome, review.status, review.decision) == (ReviewOutcome.CONTINUE, ReviewStatus.DECIDED, None)
    assert review.decided_by == cases.reviewer


def test_the_next_due_date_advances_from_the_decision(cases, benefit, clock):
    clock.move_to(benefit.next_review_due)
    reviews.reviews_open_due(actor=SYSTEM)
    review = Review.objects.get()
    decide(cases, investigate(cases, review))
    benefit.refresh_from_db()
    assert benefit.next_review_due == rules.add_months(system_clock.today(), 6)
    assert reviews.reviews_open_due(actor=SYSTEM) == {}


def test_a_death_opens_a_review_and_lowers_from_the_next_month(cases, benefit, django_capture_on_commit_callbacks):
    son = benefit.household.members.get(relationship="son")
    with django_capture_on_commit_callbacks(execute=True):
        household_services.member_remove(
            actor=cases.caseworker, member=son, reason="death", removed_on=system_clock.today()
        )
    review = Review.objects.get(benefit=benefit)
    assert (review.reason, review.priority) == (ReviewReason.MEMBER_DIED, True)
    before = benefit.monthly_amount  # 480 × 2 − 300 = 660
    review = decide(cases, investigate(cases, review))
    assert review.outcome == ReviewOutcome.LOWER
    assert review.new_amount == Decimal("180")  # 480 × 1 − 300
    benefit.refresh_from_db()
    assert benefit.decision_in(rules.next_month(system_clock.today())).new_amount == Decimal("180")
    assert benefit.decision_in(system_clock.current_month()).new_amount == before
    assert benefit.covered_count == 1


def test_assets_above_the_limits_stop():
    facts = rules.ReviewFacts(
        amount_in_force=Decimal("660"),
        phasing_out=False,
        rule_amount=Decimal("0"),
        rule_explanation="机动车 2 辆",
        assets_within_limits=False,
        wages_now=Decimal("0"),
        wages_before=Decimal("0"),
        phase_out_months=6,
    )
    assert rules.review_outcome(facts).outcome == "stop"
    assert rules.review_outcome(facts).reason_code == "assets_above_limits"


@pytest.mark.parametrize(
    ("rule_amount", "wages_now", "phasing", "expected"),
    [
        ("0", "1000", False, "phase_out"),
        ("0", "300", False, "stop"),
        ("0", "1000", True, "continue"),
        ("700", "300", True, "continue"),
        ("700", "300", False, "raise"),
        ("500", "300", False, "lower"),
        ("660", "300", False, "continue"),
    ],
)
def test_outcome_rule_for_each_kind(rule_amount, wages_now, phasing, expected):
    result = rules.review_outcome(
        rules.ReviewFacts(
            amount_in_force=Decimal("660"),
            phasing_out=phasing,
            rule_amount=Decimal(rule_amount),
            rule_explanation="（480 − 150）× 2 人",
            assets_within_limits=True,
            wages_now=Decimal(wages_now),
            wages_before=Decimal("300"),
            phase_out_months=6,
        )
    )
    assert result.outcome == expected
    assert result.explanation.startswith("复核")


def test_suspension_needs_a_reason_and_goes_to_the_county(cases, benefit):
    review = open_review(benefit)
    with pytest.raises(InvalidInput) as refused:
        reviews.review_propose(actor=cases.caseworker, review=review, suspend=True)
    assert refused.value.code == "review.invalid"
    review = decide(cases, review, suspend=True, note="多次入户无人，无法核实")
    assert review.outcome == ReviewOutcome.SUSPEND
    benefit.refresh_from_db()
    assert benefit.decision_in(rules.next_month(system_clock.today())).new_status == "suspended"


def test_steps_skipped_are_refused(cases, benefit):
    review = open_review(benefit)
    with pytest.raises(WorkflowError) as refused:
        reviews.review_propose(actor=cases.caseworker, review=review)
    assert refused.value.code == "review.not_started"
    reviews.review_start(actor=cases.caseworker, review=review)
    with pytest.raises(WorkflowError) as refused:
        reviews.review_propose(actor=cases.caseworker, review=review)
    assert refused.value.code == "review.assessment_open"
    with pytest.raises(WorkflowError) as refused:
        reviews.review_township_approve(actor=cases.reviewer, review=review)
    assert refused.value.code == "review.wrong_status"


def test_wrong_role_and_other_township_are_refused(cases, benefit, caseworker_chenqing):
    review = open_review(benefit)
    with pytest.raises(OutOfScope):
        reviews.review_start(actor=caseworker_chenqing, review=review)
    with pytest.raises(NotAllowed):
        reviews.review_start(actor=cases.reviewer, review=review)
    review = investigate(cases, review, drop_wages=True)
    reviews.review_propose(actor=cases.caseworker, review=review)
    with pytest.raises(NotAllowed):
        reviews.review_township_approve(actor=cases.caseworker, review=review)
    reviews.review_township_approve(actor=cases.reviewer, review=review)
    with pytest.raises(NotAllowed):
        reviews.review_county_decide(actor=cases.reviewer, review=review)


def test_double_submits_decide_once(cases, benefit):
    review = investigate(cases, open_review(benefit), drop_wages=True)
    reviews.review_propose(actor=cases.caseworker, review=review)
    reviews.review_propose(actor=cases.caseworker, review=review)
    reviews.review_township_approve(actor=cases.reviewer, review=review)
    reviews.review_township_approve(actor=cases.reviewer, review=review)
    reviews.review_county_decide(actor=cases.bureau, review=review)
    reviews.review_county_decide(actor=cases.bureau, review=review)
    assert benefit.changes.filter(kind="raise").count() == 1


def test_a_second_reason_joins_the_open_review(cases, benefit):
    review = open_review(benefit)
    again, opened = reviews.review_open(
        actor=cases.caseworker, benefit=benefit, reason=ReviewReason.CHANGE_REPORTED, note="户主外出务工"
    )
    assert (again.pk, opened, again.priority) == (review.pk, False, False)
    assert [r["code"] for r in again.reasons] == [ReviewReason.SCHEDULED, ReviewReason.CHANGE_REPORTED]
    with pytest.raises(InvalidInput) as refused:
        reviews.review_open(actor=cases.caseworker, benefit=benefit, reason=ReviewReason.MIGRATED, note="x")
    assert refused.value.code == "review.reason"


def test_return_sends_it_back_for_a_new_investigation(cases, benefit):
    review = investigate(cases, open_review(benefit))
    reviews.review_propose(actor=cases.caseworker, review=review)
    with pytest.raises(InvalidInput):
        reviews.review_return(actor=cases.reviewer, review=review, note="")
    reviews.review_return(actor=cases.reviewer, review=review, note="收入材料不全")
    review.refresh_from_db()
    assert (review.status, review.assessment, review.outcome) == (ReviewStatus.OPEN, None, "")


def test_the_command_prints_opened_and_already_open_per_township(benefit):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("run_reverification", "--on", benefit.next_review_due.isoformat(), stdout=out)
    call_command("run_reverification", "--on", benefit.next_review_due.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert "opened: 1; already open: 0" in lines
    assert "opened: 0; already open: 1" in lines
    with pytest.raises(CommandError, match="--on"):
        call_command("run_reverification", "--on", "2026-13-01")


def _opened_values(review: Review) -> dict:
    """A review as opened, and its audit event, as plain values (its own id and times aside)."""
    from sunwu_relief.models import AuditEvent

    values = Review.objects.filter(pk=review.pk).values().get()
    for key in ("id", "opened"):
        values.pop(key)
    (event,) = AuditEvent.objects.filter(object_type="benefits.review", object_id=str(review.pk)).values()
    return values | {"event": {k: v for k, v in event.items() if k not in ("id", "created", "object_id")}}


def test_the_daily_run_opens_each_review_and_event_as_review_open_does(cases, clock):
    """Field by field: the set-based daily run writes for each due benefit the review and the
    audit event `review_open` writes for one (here: opened one by one and rolled back)."""
    from django.db import transaction

    benefits = [cases.to(ApplicationStatus.APPROVED).benefit for _ in range(2)]
    clock.move_to(max(b.next_review_due for b in benefits))
    expected = {}

    class Undo(Exception):
        pass

    for benefit in benefits:
        try:
            with transaction.atomic():
                review, _opened = reviews.review_open(
                    actor=SYSTEM, benefit=benefit, reason=ReviewReason.SCHEDULED, due_on=benefit.next_review_due
                )
                expected[benefit.pk] = _opened_values(review)
                raise Undo
        except Undo:
            pass
    assert not Review.objects.exists()
    counts = reviews.reviews_open_due(actor=SYSTEM)
    assert counts == {benefits[0].township_id: {"opened": 2, "already_open": 0}}
    for benefit in benefits:
        got = _opened_values(Review.objects.get(benefit=benefit))
        assert got == expected[benefit.pk]
        assert got["event"]["detail"] == {
            "reason": "scheduled",
            "benefit": benefit.pk,
            "due_on": benefit.next_review_due.isoformat(),
            "system": "task:run_reverification",
        }


def test_the_daily_run_skips_a_due_benefit_stopped_from_next_month(cases, clock):
    """As `review_open_if_running`: a stop already decided from next month is not re-verified."""
    from benefits.models import BenefitChange

    stopped, running = (cases.to(ApplicationStatus.APPROVED).benefit for _ in range(2))
    clock.move_to(max(stopped.next_review_due, running.next_review_due))
    BenefitChange.objects.create(
        benefit=stopped,
        kind=BenefitChange.Kind.STOP,
        effective_month=rules.next_month(system_clock.today()),
        old_status="active",
        new_status="stopped",
        old_amount=stopped.monthly_amount,
        new_amount=Decimal("0"),
    )
    assert reviews.reviews_open_due(actor=SYSTEM) == {running.township_id: {"opened": 1, "already_open": 0}}
    assert list(Review.objects.values_list("benefit_id", flat=True)) == [running.pk]


def test_the_daily_run_takes_the_same_queries_for_three_due_benefits_as_for_twelve(cases, clock):
    """Set-based: a county's thousands of due benefits cost the queries of three."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benefits.models import Benefit

    benefits = [cases.to(ApplicationStatus.APPROVED).benefit.pk for _ in range(15)]
    due = Benefit.objects.filter(pk__in=benefits)
    clock.move_to(max(due.values_list("next_review_due", flat=True)))
    later = system_clock.today() + datetime.timedelta(days=400)
    Benefit.objects.filter(pk__in=benefits[3:]).update(next_review_due=later)

    def run(count: int) -> int:
        before = Review.objects.count()
        with CaptureQueriesContext(connection) as queries:
            counts = reviews.reviews_open_due(actor=SYSTEM)
        assert sum(row["opened"] for row in counts.values()) == count
        assert Review.objects.count() == before + count
        return len(queries)

    few = run(3)
    Benefit.objects.filter(pk__in=benefits[3:]).update(next_review_due=system_clock.today())
    many = run(12)  # and the three already open
    assert many == few

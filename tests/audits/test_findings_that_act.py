"""Ledger findings that act: "include" starts an application (registering the household from the
ledger when it is new) and closes when the application is decided; "stop" and an out-of-poverty
declaration start a priority re-verification and close when it is decided."""

import pytest

from audits.models import Finding, FindingEvent, FindingKind, FindingStatus
from audits.services import finding_resolve, reconciliation_run
from benefits import services as benefit_services
from benefits.models import ApplicationStatus, Review
from benefits.reviews import services as reviews
from benefits.reviews.models import ReviewReason, ReviewStatus
from benefits.reviews.services.opening import review_open_if_running, running_reviewed_benefits
from households.models import Household
from sunwu_relief.authz import system
from sunwu_relief.errors import NotAllowed, WorkflowError
from tests.audits.conftest import ledger_rows_for
from tests.conftest import new_id_number
from tests.ledger_builders import ledger_row

SYSTEM = system("test")


def _finding(kind: str) -> Finding:
    reconciliation_run(actor=SYSTEM)
    return Finding.objects.get(kind=kind)


def test_include_starts_an_application_and_closes_when_it_is_decided(
    cases, import_ledger, django_capture_on_commit_callbacks
):
    household = cases.household()
    import_ledger(ledger_rows_for(household, number="L-1"))
    finding = _finding(FindingKind.NOT_COVERED)
    with pytest.raises(NotAllowed):
        finding_resolve(actor=cases.reviewer, finding=finding, resolution="include", note="应纳入")
    finding = finding_resolve(actor=cases.caseworker, finding=finding, resolution="include", note="入户核实，符合条件")
    assert finding.status == FindingStatus.ACTING
    application = finding.application
    assert (application.household, application.programme, application.status) == (household, "dibao", "draft")
    with pytest.raises(WorkflowError) as refused:
        finding_resolve(actor=cases.caseworker, finding=finding, resolution="check", note="再次")
    assert refused.value.code == "finding.resolved"
    with django_capture_on_commit_callbacks(execute=True):
        cases.to(ApplicationStatus.APPROVED, application=application)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED
    assert finding.events.filter(action=FindingEvent.Action.CLOSED).count() == 1


def test_include_of_a_household_we_do_not_know_registers_it_from_the_ledger(caseworker_sunwu, import_ledger):
    head = ledger_row(household_number="L-NEW", name="赵新户", household_size=2)
    child = ledger_row(
        household_number="L-NEW", name="赵小", relationship="之子", id_number=new_id_number(born="20120101")
    )
    import_ledger([head, child])
    finding = _finding(FindingKind.NOT_COVERED)
    assert finding.household is None
    finding = finding_resolve(actor=caseworker_sunwu, finding=finding, resolution="include", note="新纳入")
    household = Household.objects.get(pk=finding.household_id)
    assert sorted(household.members.values_list("name", flat=True)) == ["赵小", "赵新户"]
    assert household.village.name == "三屯村"
    assert finding.application.household == household


def test_out_of_poverty_starts_a_priority_review_that_closes_the_finding(
    cases, cover, make_household, import_ledger, django_capture_on_commit_callbacks
):
    household = make_household(cases.caseworker)
    cover(household)
    import_ledger(ledger_rows_for(household, number="L-2", poverty_status="已脱贫", exit_year=2020))
    finding = _finding(FindingKind.COVERED_OUT_OF_POVERTY)
    # The daily run names it too (reason: declared out of poverty), before anyone resolves it.
    counts = reviews.reviews_open_due(actor=system("task:run_reverification"))
    assert counts[household.township_id]["opened"] >= 1
    review = Review.objects.get(household=household)
    assert ReviewReason.OUT_OF_POVERTY in [item["code"] for item in review.reasons]
    finding = finding_resolve(actor=cases.caseworker, finding=finding, resolution="stop", note="已脱贫，复核")
    assert (finding.status, finding.review) == (FindingStatus.ACTING, review)
    review.refresh_from_db()
    assert review.priority
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_cancel(actor=cases.bureau, review=review, note="另案处理")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED
    review.refresh_from_db()
    assert review.status == ReviewStatus.CANCELLED


def test_an_out_of_poverty_declaration_is_reviewed_once(cases, cover, make_household, import_ledger, clock):
    household = make_household(cases.caseworker)
    cover(household)
    import_ledger(ledger_rows_for(household, number="L-5", poverty_status="已脱贫", exit_year=2020))
    reconciliation_run(actor=SYSTEM)
    run = system("task:run_reverification")
    reviews.reviews_open_due(actor=run)
    review = Review.objects.get(household=household)
    reviews.review_propose(actor=cases.caseworker, review=review, suspend=True, note="外出，无法入户")
    reviews.review_township_approve(actor=cases.reviewer, review=review)
    reviews.review_county_decide(actor=cases.bureau, review=review)
    # Nobody resolved the finding, but the household was re-verified since: not named again.
    assert reviews.reviews_open_due(actor=run) == {}
    assert Review.objects.filter(household=household).count() == 1


def test_upheld_complaint_opens_a_review_and_is_marked_reviewed_when_decided(
    cases, cover, make_household, complain, django_capture_on_commit_callbacks
):
    from audits.complaints import services as complaint_services
    from audits.complaints.selectors import households_needing_review

    household = make_household(cases.caseworker)
    cover(household)
    complaint = complain(household=household, anonymous=True)
    complaint_services.complaint_assign(actor=cases.bureau, complaint=complaint, assignee=cases.bureau)
    complaint_services.complaint_findings_record(
        actor=cases.bureau, complaint=complaint, outcome="upheld", findings="查实有小轿车"
    )
    complaint_services.complaint_close(actor=cases.bureau, complaint=complaint, note="查实")
    assert household in households_needing_review()
    reviews.reviews_open_due(actor=system("task:run_reverification"))
    review = Review.objects.get(household=household)
    assert ReviewReason.COMPLAINT in [item["code"] for item in review.reasons]
    with django_capture_on_commit_callbacks(execute=True):
        reviews.review_cancel(actor=cases.bureau, review=review, note="合并处理")
    assert household not in households_needing_review()


def test_withdrawn_application_also_closes_its_finding(cases, import_ledger, django_capture_on_commit_callbacks):
    household = cases.household()
    import_ledger(ledger_rows_for(household, number="L-3"))
    finding = finding_resolve(
        actor=cases.caseworker, finding=_finding(FindingKind.NOT_COVERED), resolution="include", note="申请"
    )
    with django_capture_on_commit_callbacks(execute=True):
        benefit_services.application_withdraw(
            actor=cases.caseworker, application=finding.application, comment="本人放弃"
        )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED


def test_correct_gives_our_member_the_ledgers_name(caseworker_sunwu, household_sunwu, import_ledger):
    head = household_sunwu.members.get(relationship="head")
    rows = ledger_rows_for(household_sunwu, number="L-4")
    import_ledger([{**row, "name": "王大仙"} if row["id_number"] == head.id_number else row for row in rows])
    finding = _finding(FindingKind.IDENTITY_MISMATCH)
    finding = finding_resolve(actor=caseworker_sunwu, finding=finding, resolution="correct", note="以台账为准")
    head.refresh_from_db()
    assert head.name == "王大仙"
    assert finding.status == FindingStatus.RESOLVED


def _reviews_and_events() -> tuple[list, list]:
    """Every review (but its id and opening time) and every review event (by its review's benefit)."""
    from sunwu_relief.models import AuditEvent

    rows = list(Review.objects.order_by("benefit_id").values())
    benefit_of = {str(row.pop("id")): row["benefit_id"] for row in rows}
    for row in rows:
        row.pop("opened")
    events = sorted(
        (benefit_of[event.object_id], event.action, event.township_id, sorted(event.detail.items()))
        for event in AuditEvent.objects.filter(object_type="benefits.review")
    )
    return rows, events


def test_the_daily_run_opens_and_extends_the_named_households_reviews_as_review_open_does(
    cases, cover, make_household, import_ledger
):
    """Set-based: the households the sources name (here declared out of poverty while covered)
    get the reviews and events `review_open_if_running` gives them one by one — a new review, a
    reason added to an open one — and the next day's run changes nothing."""
    import datetime

    from django.db import transaction

    from audits.dynamic import review_sources_of_audits
    from benefits.models import Benefit
    from sunwu_relief import clock

    homes = [make_household(cases.caseworker) for _ in range(3)]
    cover(*homes)
    # Not due for their scheduled review: only the declarations name them.
    Benefit.objects.update(migrated=False, next_review_due=clock.today() + datetime.timedelta(days=400))
    rows = [row for i, home in enumerate(homes) for row in ledger_rows_for(home, number=f"L-{i}")]
    for row in rows:
        row.update(poverty_status="已脱贫", exit_year=2020)
    import_ledger(rows)
    reconciliation_run(actor=SYSTEM)
    run = system("task:run_reverification")
    # The second household has a review open already (a scheduled one): the declaration is added to it.
    reviews.review_open(actor=run, benefit=Benefit.objects.get(household=homes[1]), reason=ReviewReason.SCHEDULED)

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            for household, reason, note in review_sources_of_audits(clock.today()):
                for benefit in running_reviewed_benefits(household):
                    review_open_if_running(actor=run, benefit=benefit, reason=reason, note=note)
            expected = _reviews_and_events()
            raise Undo
    except Undo:
        pass
    counts = reviews.reviews_open_due(actor=run)
    assert counts == {homes[0].township_id: {"opened": 2, "already_open": 1}}
    assert _reviews_and_events() == expected
    assert [item["code"] for item in Review.objects.get(household=homes[1]).reasons] == [
        ReviewReason.SCHEDULED,
        ReviewReason.OUT_OF_POVERTY,
    ]
    # The next day: every declaration already has its review; nothing is written.
    assert reviews.reviews_open_due(actor=run) == {homes[0].township_id: {"opened": 0, "already_open": 3}}
    assert _reviews_and_events() == expected


def test_the_daily_run_takes_the_same_queries_for_three_named_households_as_for_twelve(
    cases, cover, make_household, import_ledger
):
    """Set-based: a county's thousands of out-of-poverty declarations cost the queries of three."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benefits.models import Benefit
    from sunwu_relief import clock

    homes = [make_household(cases.caseworker) for _ in range(15)]
    cover(*homes)
    Benefit.objects.update(migrated=False, next_review_due=clock.today() + datetime.timedelta(days=400))
    run = system("task:run_reverification")

    def declare(out: int) -> int:
        rows = []
        for i, home in enumerate(homes):
            for row in ledger_rows_for(home, number=f"L-{i}"):
                if i < out:
                    row.update(poverty_status="已脱贫", exit_year=2020)
                rows.append(row)
        import_ledger(rows)
        reconciliation_run(actor=SYSTEM)
        with CaptureQueriesContext(connection) as queries:
            counts = reviews.reviews_open_due(actor=run)
        assert sum(row["opened"] + row["already_open"] for row in counts.values()) == out
        return len(queries)

    few = declare(3)
    assert Review.objects.count() == 3
    many = declare(15)  # 12 new, 3 already open
    assert Review.objects.count() == 15
    assert many == few

"""Township performance at scale: the table's figures, read as grouped plain rows, equal a
one-by-one computation of every case (extended deadlines, snapshots with other numbers, the
standard of the year a case was accepted in, cases not started and not late yet); the cases
behind a figure come a page at a time; the queries do not grow with the cases."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Finding, FindingKind, FindingStatus
from audits.performance.selectors import Period, decision_rows, performance_table, start_rows
from audits.performance.views import PAGE_SIZE
from benefits.models import Application, ApplicationStatus, CountyVisit, Standard, Transition
from benefits.rules import policy_number
from benefits.selectors import WorkingCalendar, standard_for, working_day_deadline
from households.models import Township

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
PERIOD = Period(start=datetime.date(2025, 11, 1), end=TODAY)
# Numbers unlike any standard's: the snapshot's must win where a case has them.
OWN_NUMBERS = {"investigation_start_days": 2, "decision_days": 12, "decision_days_extended": 25}
_keys = itertools.count(1)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time: 00:30 and 23:30 fall on other UTC days than their local one."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _case(household, user, *, accepted, decided=None, extended=False, snapshot=None, programme="dibao", starts=()):
    application = Application.objects.create(
        household=household,
        township_id=household.township_id,
        programme=programme,
        status=ApplicationStatus.APPROVED if decided else ApplicationStatus.INVESTIGATING,
        applicant_name="王大山",
        created_by=user,
        accepted_at=accepted,
        decided_at=decided,
        deadline_extended=extended,
        standard_snapshot=snapshot or {},
    )
    # The acceptance does not start an investigation; each of `starts` does (the first counts).
    steps = [(ApplicationStatus.DRAFT, ApplicationStatus.ACCEPTED, accepted)]
    steps += [(ApplicationStatus.ACCEPTED, ApplicationStatus.INVESTIGATING, started) for started in starts]
    for before, after, created in steps:
        Transition.objects.create(
            application=application, action="step", from_status=before, to_status=after, created=created
        )
    return application


def _mixed(households, user, count: int) -> None:
    """`count` cases spread over the period and the households, every kind mixed."""
    for i in range(count):
        household = households[i % len(households)]
        day = PERIOD.start + datetime.timedelta(days=(i * 223) % (TODAY - PERIOD.start).days)
        accepted = _at(day, 0, 30) if i % 2 else _at(day, 23, 30)
        snapshot = (OWN_NUMBERS, {"monthly_standard": "700.00"}, {})[i % 3]
        decided_day = day + datetime.timedelta(days=(i * 7) % 60)
        decided = _at(decided_day, 23, 45 if i % 2 else 0) if i % 4 != 3 and decided_day <= TODAY else None
        starts = []
        if i % 5 != 4:
            first = _at(day + datetime.timedelta(days=i % 7), 0 if i % 2 else 23, 15)
            starts = [first, first + datetime.timedelta(days=20)] if i % 6 == 1 else [first]
        _case(
            household,
            user,
            accepted=accepted,
            decided=decided,
            extended=i % 3 == 1,
            snapshot=snapshot,
            programme="tekun" if i % 4 == 2 else "dibao",
            starts=starts,
        )
    # Not started and not late yet (accepted today and yesterday), and not started and late.
    for days_ago in (0, 1, 40):
        _case(households[0], user, accepted=_at(TODAY - datetime.timedelta(days=days_ago), 9))
    # Accepted before the period, decided in it: a decision of the period, not a start.
    _case(
        households[1], user, accepted=_at(datetime.date(2025, 10, 20), 9), decided=_at(datetime.date(2025, 11, 28), 9)
    )


def _one_by_one(township_ids: list[int]) -> tuple[dict, dict]:
    """Each case's verdict the long way: its own snapshot and the standard of its year, its
    deadline counted out on its own, its first investigation read on its own."""
    first, after = PERIOD.bounds
    decisions, starts = {}, {}
    for application in Application.objects.filter(township_id__in=township_ids).order_by("pk"):
        accepted = timezone.localdate(application.accepted_at)
        standard = standard_for(application.programme, accepted.year)
        if application.decided_at and first <= application.decided_at < after:
            name = "decision_days_extended" if application.deadline_extended else "decision_days"
            days = policy_number(name, snapshot=application.standard_snapshot, standard=standard)
            due = working_day_deadline(accepted, days)
            decided = timezone.localdate(application.decided_at)
            decisions[application.pk] = (application.township_id, accepted, due, decided, decided <= due)
        if first <= application.accepted_at < after:
            days = policy_number("investigation_start_days", snapshot=application.standard_snapshot, standard=standard)
            due = working_day_deadline(accepted, days)
            transition = (
                Transition.objects.filter(application=application, to_status=ApplicationStatus.INVESTIGATING)
                .order_by("created")
                .first()
            )
            began = timezone.localdate(transition.created) if transition else None
            if began is None and due >= TODAY:
                continue
            starts[application.pk] = (application.township_id, accepted, due, began, began is not None and began <= due)
    return decisions, starts


@pytest.fixture
def county(clock, make_household, caseworker_sunwu, caseworker_chenqing):
    clock.move_to(TODAY)
    # The standard of the year before has other numbers: cases accepted then count by it.
    Standard.objects.filter(year=2025).update(investigation_start_days=4, decision_days=20, decision_days_extended=35)
    households = [make_household(caseworker_sunwu), make_household(caseworker_chenqing)]
    _mixed(households, caseworker_sunwu, 60)
    return households


def test_the_table_equals_each_case_counted_one_by_one(county):
    townships = list(Township.objects.order_by("code"))
    ids = [t.pk for t in townships]
    decisions, starts = _one_by_one(ids)
    # The data is mixed as intended: late and on-time, extended, own numbers, not late yet.
    assert {case[4] for case in decisions.values()} == {True, False}
    assert {case[4] for case in starts.values()} == {True, False}
    assert any(case[3] is None for case in starts.values())
    assert Application.objects.filter(accepted_at__gte=PERIOD.bounds[0]).count() > len(starts)
    table = performance_table(period=PERIOD, townships=townships)
    for row in table[:-1]:
        for name, cases in (("decisions", decisions), ("starts", starts)):
            mine = [case for case in cases.values() if case[0] == row.township.pk]
            expected = (sum(case[4] for case in mine), len(mine) or None)
            assert (row.figures[name].count, row.figures[name].total) == expected, (row.township.name, name)
    county_row = table[-1]
    assert county_row.figures["decisions"].total == len(decisions)
    assert county_row.figures["decisions"].count == sum(case[4] for case in decisions.values())
    assert county_row.figures["starts"].total == len(starts)
    # The cases behind the figures: the same verdicts, in the order of the page.
    calendar = WorkingCalendar()
    for township_id in {household.township_id for household in county}:
        for rows, cases, order in (
            (decision_rows(PERIOD, [township_id], calendar), decisions, "decided_at"),
            (start_rows(PERIOD, [township_id], calendar), starts, "accepted_at"),
        ):
            mine = {pk: case[1:] for pk, case in cases.items() if case[0] == township_id}
            assert mine
            assert [r["application"].pk for r in rows] == list(
                Application.objects.filter(pk__in=mine).order_by(order, "pk").values_list("pk", flat=True)
            )
            assert {r["application"].pk: (r["start"], r["due"], r["done"], r["on_time"]) for r in rows} == mine


def test_the_plain_counts_are_grouped_per_township(county, bureau_reviewer):
    sunwu, chenqing = (Township.objects.get(pk=household.township_id) for household in county)
    for township, n in ((sunwu, 3), (chenqing, 2)):
        for _ in range(n):
            Finding.objects.create(key=f"k{next(_keys)}", kind=FindingKind.NOT_COVERED, township=township)
    Finding.objects.create(
        key=f"k{next(_keys)}", kind=FindingKind.NOT_COVERED, township=sunwu, status=FindingStatus.RESOLVED
    )
    application = Application.objects.filter(township_id=sunwu.pk).first()
    for result in (CountyVisit.Result.DISCREPANCY, CountyVisit.Result.CONFIRMED):
        CountyVisit.objects.create(
            application=application,
            visited_on=TODAY,
            result=result,
            findings="入户",
            recorded_by=bureau_reviewer,
            created=_at(TODAY, 10),
        )
    table = {row.township: row.figures for row in performance_table(period=PERIOD, townships=[sunwu, chenqing])}
    assert table[sunwu]["findings_open"].count == 3
    assert table[chenqing]["findings_open"].count == 2
    assert table[None]["findings_open"].count == 5
    assert (table[sunwu]["discrepancies"].count, table[sunwu]["discrepancies"].total) == (1, 2)
    assert table[chenqing]["discrepancies"].total is None


def _queries(client, url: str, query: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query or {}).status_code == 200
    return len(queries)


# Every page: the session, the user and the profile; the footer's county settings; the session
# saved (a savepoint, the update, its release).
PAGE = 3 + 1 + 3
# The standards: all of them in one query (WorkingCalendar.load_standards), whatever programmes
# and years the cases use.
STANDARDS = 1
# Townships; holidays; the decided cases grouped; the accepted cases with their first
# investigation; county visits, overdue reviews, open findings and failed payments, each grouped
# by township.
TABLE_QUERIES = PAGE + 1 + 1 + 1 + 1 + STANDARDS + 4


def test_the_table_queries_are_pinned_and_do_not_grow(county, client, bureau_reviewer, caseworker_sunwu):
    client.force_login(bureau_reviewer)
    url = reverse("performance:table")
    query = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}
    assert _queries(client, url, query) == TABLE_QUERIES
    _mixed(county, caseworker_sunwu, 120)
    assert _queries(client, url, query) == TABLE_QUERIES


@pytest.mark.parametrize(
    ("metric", "queries"),
    [
        # The township; holidays, the cases, their standards.
        ("decisions", PAGE + 1 + 1 + 1 + STANDARDS),
        ("starts", PAGE + 1 + 1 + 1 + STANDARDS),
        # The township; the count and the page.
        ("findings_open", PAGE + 1 + 2),
    ],
)
def test_the_cases_behind_a_figure_come_a_page_at_a_time(county, client, bureau_reviewer, metric, queries):
    sunwu = Township.objects.get(pk=county[0].township_id)
    for _ in range(PAGE_SIZE + 7):
        Finding.objects.create(key=f"k{next(_keys)}", kind=FindingKind.NOT_COVERED, township=sunwu)
    client.force_login(bureau_reviewer)
    url = reverse("performance:detail", args=[sunwu.pk, metric])
    period = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}
    everything = []
    response = client.get(url, period)
    page = response.context["page"]
    assert len(response.context["rows"]) == min(PAGE_SIZE, page.paginator.count)
    for number in page.paginator.page_range:
        response = client.get(url, {**period, "page": number})
        assert response.status_code == 200
        everything += list(response.context["rows"])
    assert len(everything) == page.paginator.count
    if metric == "findings_open":
        assert page.paginator.count == PAGE_SIZE + 7
        assert [f.pk for f in everything] == list(
            Finding.objects.filter(township=sunwu, status=FindingStatus.OPEN)
            .order_by("first_found", "pk")
            .values_list("pk", flat=True)
        )
        second = client.get(url, {**period, "page": 2})
        assert len(second.context["rows"]) == 7
        assert b"page=1" in second.content  # the link back keeps the period
        assert f"from={PERIOD.start.isoformat()}".encode() in second.content
    else:
        keys = [row["application"].pk for row in everything]
        assert len(keys) == len(set(keys))
    # A page past the end is the last page; one that is not a number, the first.
    last = page.paginator.num_pages
    beyond = client.get(url, {**period, "page": last + 5})
    assert beyond.status_code == 200
    assert beyond.context["page"].number == last
    assert client.get(url, {**period, "page": "x"}).context["page"].number == 1
    assert _queries(client, url, period) == queries


def _more(county, caseworker, bureau, n: int) -> None:
    """`n` more cases, open findings and county visits of the period in the first township."""
    _mixed(county, caseworker, n)
    township = Township.objects.get(pk=county[0].township_id)
    for _ in range(n):
        Finding.objects.create(key=f"k{next(_keys)}", kind=FindingKind.NOT_COVERED, township=township)
    for application in Application.objects.filter(township_id=township.pk).order_by("-pk")[:n]:
        CountyVisit.objects.create(
            application=application,
            visited_on=TODAY,
            result=CountyVisit.Result.DISCREPANCY,
            findings="入户",
            recorded_by=bureau,
            created=_at(TODAY, 10),
        )


@pytest.mark.parametrize("metric", ["decisions", "starts", "discrepancies", "findings_open"])
def test_the_detail_queries_do_not_grow_with_the_cases(county, client, bureau_reviewer, caseworker_sunwu, metric):
    client.force_login(bureau_reviewer)
    url = reverse("performance:detail", args=[county[0].township_id, metric])
    period = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}
    _more(county, caseworker_sunwu, bureau_reviewer, 3)
    before = _queries(client, url, period)
    _more(county, caseworker_sunwu, bureau_reviewer, PAGE_SIZE + 10)
    assert _queries(client, url, period) == before


def test_the_detail_is_refused_to_other_roles(
    county, client, caseworker_sunwu, reviewer_sunwu, poverty_office, auditor
):
    township = county[0].township_id
    for user in (caseworker_sunwu, reviewer_sunwu, poverty_office):
        client.force_login(user)
        for metric in ("decisions", "findings_open"):
            assert client.get(reverse("performance:detail", args=[township, metric])).status_code == 403
    client.force_login(auditor)
    assert client.get(reverse("performance:detail", args=[township, "findings_open"])).status_code == 200
